using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Tests.Data
{
    /// <summary>
    /// An <see cref="IDataView"/> whose <c>Features</c> rows are generated on the fly from the row index (a fixed pool of
    /// random rows in [0, 1], shifted a little by the index), so that a source of any size stores nothing. It can hide its
    /// row count, and put a NaN or a wrong-length row at a chosen index. It counts the rows it has served.
    /// </summary>
    internal sealed class GeneratedDataView : IDataView
    {
        private readonly float[][] _pool;
        private readonly long _rows;
        private readonly bool _reportsRowCount;
        private long _served;

        public GeneratedDataView(long rows, int size, bool reportsRowCount = true, int seed = 1, int poolRows = 64)
        {
            _rows = rows;
            Size = size;
            _reportsRowCount = reportsRowCount;
            var random = new Random(seed);
            _pool = Enumerable.Range(0, poolRows).Select(_ => Enumerable.Range(0, size).Select(_ => (float)random.NextDouble() * 0.9f).ToArray()).ToArray();
            var builder = new DataViewSchema.Builder();
            builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, size));
            Schema = builder.ToSchema();
        }

        public int Size { get; }

        /// <summary>A row index whose values hold a NaN, or -1.</summary>
        public long NaNRow { get; init; } = -1;

        /// <summary>A row index that has one value too few, or -1.</summary>
        public long ShortRow { get; init; } = -1;

        /// <summary>Called with the number of rows served so far (by all cursors), each time a cursor moves to a row.</summary>
        public Action<long>? OnRowServed { get; init; }

        /// <summary>The rows served by all cursors so far.</summary>
        public long RowsServed => Interlocked.Read(ref _served);

        public bool CanShuffle => false;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => _reportsRowCount ? _rows : null;

        /// <summary>The values of row <paramref name="index"/>.</summary>
        public float[] Row(long index)
        {
            var row = new float[Size];
            Fill(index, row);
            return row;
        }

        private void Fill(long index, Span<float> row)
        {
            _pool[index % _pool.Length].CopyTo(row);
            row[(int)(index % Size)] = (index % 1000) / 1000f;
            if (index == NaNRow)
                row[Size / 2] = float.NaN;
        }

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly GeneratedDataView _view;
            private long _position = -1;

            public Cursor(GeneratedDataView view) => _view = view;

            public override DataViewSchema Schema => _view.Schema;

            public override long Position => _position;

            public override long Batch => 0;

            public override bool MoveNext()
            {
                if (_position + 1 >= _view._rows)
                    return false;
                _position++;
                long served = Interlocked.Increment(ref _view._served);
                _view.OnRowServed?.Invoke(served);
                return true;
            }

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    int length = _position == _view.ShortRow ? _view.Size - 1 : _view.Size;
                    var editor = VBufferEditor.Create(ref value, length);
                    _view.Fill(_position, editor.Values.Length == _view.Size ? editor.Values : new float[_view.Size]);
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }
        }
    }
}
