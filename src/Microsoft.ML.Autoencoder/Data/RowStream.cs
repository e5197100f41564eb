using System;
using System.Runtime.CompilerServices;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// One pass over <see cref="StreamingRows"/>: a cursor, the row split, the row checks and the shuffle buffer. The buffer
    /// follows ML.NET's <c>ShuffleRows</c>: it is filled with the first rows, then each row leaving it is drawn at random
    /// from it and its place taken by the next row read; when the source ends, the rest leave in random order.
    /// </summary>
    internal sealed class RowStream : IDisposable
    {
        private readonly StreamingRows _rows;
        private readonly DataViewRowCursor _cursor;
        private readonly ValueGetter<VBuffer<float>> _getter;
        private readonly ValueGetter<DataViewRowId>? _idGetter;
        private readonly bool _sourceShuffled;
        private readonly string _dataName;
        private readonly Random? _random;
        private readonly float[]? _pool;
        private readonly int _poolCapacity;
        private int _poolCount = -1; // -1: not filled yet
        private VBuffer<float> _buffer;
        private DataViewRowId _id;
        private bool _sourceEnded;

        internal RowStream(StreamingRows rows, Random? shuffle, int bufferRows, float[]? buffer)
        {
            _rows = rows;
            var column = rows.Data.Schema[rows.ColumnName];
            _sourceShuffled = shuffle is not null && rows.Data.CanShuffle;
            _cursor = _sourceShuffled ? rows.Data.GetRowCursor(new[] { column }, new Random(shuffle!.Next())) : rows.Data.GetRowCursor(new[] { column });
            _dataName = _sourceShuffled ? $"{rows.DataName} (read through the source's shuffled cursor, which names rows by their row id)" : rows.DataName;
            _getter = _cursor.GetGetter<VBuffer<float>>(column);
            if (rows.Holdout is not null || _sourceShuffled)
                _idGetter = _cursor.GetIdGetter();
            if (shuffle is not null && bufferRows > 0)
            {
                _random = shuffle;
                _poolCapacity = bufferRows;
                long length = (long)bufferRows * rows.ColumnCount;
                _pool = buffer is not null && buffer.LongLength >= length ? buffer : new float[length];
            }
        }

        /// <summary>Whether the rows come from the source's own shuffled cursor.</summary>
        public bool SourceShuffled => _sourceShuffled;

        /// <summary>The rows handed out so far.</summary>
        public long RowCount { get; private set; }

        /// <summary>
        /// Fills <paramref name="destination"/> with as many whole rows as fit and returns how many; fewer only when the pass
        /// has ended (then 0 on every later call).
        /// </summary>
        public int Read(Span<float> destination)
        {
            int d = _rows.ColumnCount;
            int wanted = destination.Length / d;
            int count = 0;
            if (_pool is null)
            {
                while (count < wanted && NextSourceRow(destination.Slice(count * d, d)))
                    count++;
            }
            else
            {
                if (_poolCount < 0)
                {
                    _poolCount = 0;
                    while (_poolCount < _poolCapacity && NextSourceRow(_pool.AsSpan(_poolCount * d, d)))
                        _poolCount++;
                }
                for (; count < wanted && _poolCount > 0; count++)
                {
                    int j = _random!.Next(_poolCount);
                    var slot = _pool.AsSpan(j * d, d);
                    slot.CopyTo(destination.Slice(count * d, d));
                    if (!NextSourceRow(slot))
                    {
                        _poolCount--;
                        _pool.AsSpan(_poolCount * d, d).CopyTo(slot);
                    }
                }
            }
            RowCount += count;
            return count;
        }

        /// <summary>Reads the next row of this side of the split into <paramref name="row"/>, checked; false at the end.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool NextSourceRow(Span<float> row)
        {
            if (_sourceEnded)
                return false;
            var holdout = _rows.Holdout;
            while (_cursor.MoveNext())
            {
                if (_idGetter is not null)
                    _idGetter(ref _id);
                if (holdout is RowHoldout split && !split.Selects(_id))
                    continue;
                _getter(ref _buffer);
                // In the source's order the row index is the cursor's position; a shuffled cursor's rows are named by their id.
                long index = _sourceShuffled ? (long)_id.Low : _cursor.Position;
                RowValidation.CheckLength(_buffer.Length, row.Length, index, _rows.ColumnName, _dataName);
                _buffer.CopyTo(row);
                RowValidation.CheckValues(row, index, _rows.ColumnName, _dataName, _rows.RequireUnitInterval, RowValidation.TrainingNonFiniteAdvice);
                return true;
            }
            _sourceEnded = true;
            return false;
        }

        public void Dispose() => _cursor.Dispose();
    }
}
