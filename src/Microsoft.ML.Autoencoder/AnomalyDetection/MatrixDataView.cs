using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// Rows held in one row-major array as an <see cref="IDataView"/> with a single vector column: how the detector hands
    /// its standardized training rows to the autoencoder's estimator. The rows are not copied.
    /// </summary>
    internal sealed class MatrixDataView : IDataView
    {
        private readonly float[] _values;
        private readonly int _rowCount;
        private readonly int _columnCount;

        public MatrixDataView(float[] values, int rowCount, string columnName, VectorDataViewType columnType)
        {
            _values = values;
            _rowCount = rowCount;
            _columnCount = columnType.Size;
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(columnName, columnType);
            Schema = builder.ToSchema();
        }

        public bool CanShuffle => false;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => _rowCount;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
            => new Cursor(this, columnsNeeded.Any());

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly MatrixDataView _view;
            private readonly bool _active;
            private long _position = -1;

            public Cursor(MatrixDataView view, bool active)
            {
                _view = view;
                _active = active;
            }

            public override DataViewSchema Schema => _view.Schema;

            public override long Position => _position;

            public override long Batch => 0;

            public override bool MoveNext() => ++_position < _view._rowCount;

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

            public override bool IsColumnActive(DataViewSchema.Column column) => _active;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    int size = _view._columnCount;
                    var editor = VBufferEditor.Create(ref value, size);
                    _view._values.AsSpan(checked((int)_position * size), size).CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single; it cannot be read as {typeof(TValue).Name}.");
            }
        }
    }
}
