using System;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// One known-size float vector column of an <see cref="IDataView"/>, read as a stream of rows, a fresh cursor per pass
    /// (<see cref="Open"/>): how training reads data that is not held in memory, and any pass over data that need not be.
    /// Each row is checked as it arrives (wrong length, NaN, infinity, and [0, 1] when asked), naming its row index.
    /// </summary>
    internal sealed class StreamingRows
    {
        public StreamingRows(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName, RowHoldout? holdout = null)
        {
            Data = data;
            ColumnName = columnName;
            ColumnCount = columnCount;
            RequireUnitInterval = requireUnitInterval;
            DataName = dataName;
            Holdout = holdout;
        }

        public IDataView Data { get; }

        public string ColumnName { get; }

        public int ColumnCount { get; }

        public bool RequireUnitInterval { get; }

        /// <summary>What the data is called in messages ("training data", "validation data").</summary>
        public string DataName { get; }

        /// <summary>The side of a row split this stream keeps, or <see langword="null"/> for every row.</summary>
        public RowHoldout? Holdout { get; }

        /// <summary>
        /// Starts a pass over the rows: in the source's order when <paramref name="shuffle"/> is <see langword="null"/>; else
        /// through the source's shuffled cursor (seeded from <paramref name="shuffle"/>) when the source can shuffle, and
        /// through a shuffle buffer of <paramref name="bufferRows"/> rows drawn with <paramref name="shuffle"/> when that is
        /// positive, held in <paramref name="buffer"/> when it is given and large enough (a training reuses one every epoch).
        /// The pass is read on one thread at a time.
        /// </summary>
        public RowStream Open(Random? shuffle, int bufferRows, float[]? buffer = null) => new RowStream(this, shuffle, shuffle is null ? 0 : bufferRows, buffer);
    }
}
