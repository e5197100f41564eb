using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// The feature column of a source, standardized as it is read (nothing stored), optionally keeping only the rows whose
    /// index is set in a mask: how the detector hands training rows that do not fit in memory to the autoencoder's
    /// estimator, which then streams them. With a mask the rows come in the source's order (the mask is by row index), so
    /// the view cannot shuffle; without one it shuffles as the source does.
    /// </summary>
    internal sealed class StandardizedDataView : IDataView
    {
        private readonly IDataView _source;
        private readonly DataViewSchema.Column _sourceColumn;
        private readonly Standardization? _standardization;
        private readonly BitArray? _keep;

        public StandardizedDataView(IDataView source, string columnName, Standardization? standardization, BitArray? keep = null)
        {
            _source = source;
            _sourceColumn = source.Schema[columnName];
            _standardization = standardization;
            _keep = keep;
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(columnName, _sourceColumn.Type);
            Schema = builder.ToSchema();
        }

        public bool CanShuffle => _keep is null && _source.CanShuffle;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => _keep is null ? _source.GetRowCount() : null;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
            => new Cursor(this, _source.GetRowCursor(new[] { _sourceColumn }, CanShuffle ? rand : null), columnsNeeded.Any());

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly StandardizedDataView _view;
            private readonly DataViewRowCursor _cursor;
            private readonly ValueGetter<VBuffer<float>> _getter;
            private readonly bool _active;
            private long _position = -1;

            public Cursor(StandardizedDataView view, DataViewRowCursor cursor, bool active)
            {
                _view = view;
                _cursor = cursor;
                _getter = cursor.GetGetter<VBuffer<float>>(view._sourceColumn);
                _active = active;
            }

            public override DataViewSchema Schema => _view.Schema;

            public override long Position => _position;

            public override long Batch => 0;

            public override bool MoveNext()
            {
                var keep = _view._keep;
                while (_cursor.MoveNext())
                {
                    if (keep is null || _cursor.Position < keep.Length && keep[(int)_cursor.Position])
                    {
                        _position++;
                        return true;
                    }
                }
                return false;
            }

            public override ValueGetter<DataViewRowId> GetIdGetter() => _cursor.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) => _active;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                VBuffer<float> source = default;
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    _getter(ref source);
                    var editor = VBufferEditor.Create(ref value, source.Length);
                    source.CopyTo(editor.Values);
                    _view._standardization?.Apply(editor.Values);
                    value = editor.Commit();
                };
                return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single; it cannot be read as {typeof(TValue).Name}.");
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                    _cursor.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
