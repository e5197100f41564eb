using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The rows of one known-size float vector column, read from an <see cref="IDataView"/> into a single
    /// contiguous row-major buffer that is handed to torch in one copy.
    /// </summary>
    internal sealed class FeatureMatrix
    {
        public FeatureMatrix(float[] values, int rowCount, int columnCount)
        {
            Values = values;
            RowCount = rowCount;
            ColumnCount = columnCount;
        }

        public float[] Values { get; }

        public int RowCount { get; }

        public int ColumnCount { get; }

        /// <summary>
        /// Reads every row of <paramref name="columnName"/>. A NaN or infinite value is reported with its
        /// row index; so is a value outside [0, 1] when <paramref name="requireUnitInterval"/> is set.
        /// </summary>
        public static FeatureMatrix Read(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName)
            => Read(data, columnName, columnCount, requireUnitInterval, dataName, ChunkBytes)!;

        /// <summary>
        /// As <see cref="Read(IDataView, string, int, bool, string)"/>, but gives up and returns <see langword="null"/> as soon as
        /// the rows read take more than <paramref name="maximumBytes"/> (what is read so far is freed).
        /// </summary>
        public static FeatureMatrix? ReadWithin(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName, long maximumBytes)
            => Read(data, columnName, columnCount, requireUnitInterval, dataName, ChunkBytes, maximumBytes);

        /// <summary>As <see cref="Read(IDataView, string, int, bool, string)"/>, with the chunk size given (for tests).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static FeatureMatrix? Read(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName, int chunkBytes, long maximumBytes = long.MaxValue)
        {
            var column = data.Schema[columnName];
            // With a known row count the rows go straight into the final buffer. Otherwise they go into native
            // chunks, copied once into an exact buffer at the end, each chunk freed as soon as it is copied: the
            // chunks are larger than glibc's largest mmap threshold, so freeing one returns its pages at once and
            // the peak stays near one copy of the data. (Managed chunks would stay resident until a collection;
            // growing one array by doubling would touch several times the data's size.)
            long? knownRows = data.GetRowCount();
            bool known = knownRows is long n && n > 0 && n * columnCount <= Array.MaxLength;
            int chunkRows = known ? (int)knownRows!.Value : Math.Max(1, chunkBytes / (sizeof(float) * columnCount));
            float[]? direct = known ? HugePages.AllocateFloats(chunkRows * columnCount) : null;
            using var chunks = new NativeChunks(chunkRows * columnCount);
            Span<float> chunk = direct is not null ? direct : chunks.Add().Span;
            int rowInChunk = 0;
            VBuffer<float> buffer = default;
            long rowIndex = 0;
            using (var cursor = data.GetRowCursor(new[] { column }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                while (cursor.MoveNext())
                {
                    getter(ref buffer);
                    RowValidation.CheckLength(buffer.Length, columnCount, rowIndex, columnName, dataName);
                    if ((rowIndex + 1) * columnCount * sizeof(float) > maximumBytes)
                        return null;
                    if ((rowIndex + 1) * columnCount > Array.MaxLength)
                        throw new InvalidOperationException($"The {dataName} is too large to hold in memory as one buffer ({rowIndex} rows of {columnCount} values).");
                    if (rowInChunk == chunkRows)
                    {
                        if (direct is not null)
                            throw new InvalidOperationException($"The {dataName} has more rows than the {chunkRows} it declared.");
                        chunk = chunks.Add().Span;
                        rowInChunk = 0;
                    }
                    var row = chunk.Slice(rowInChunk * columnCount, columnCount);
                    buffer.CopyTo(row);
                    RowValidation.CheckValues(row, rowIndex, columnName, dataName, requireUnitInterval, RowValidation.TrainingNonFiniteAdvice);
                    rowInChunk++;
                    rowIndex++;
                }
            }
            if (rowIndex == 0)
                throw new InvalidOperationException($"The {dataName} has no rows in column '{columnName}'.");
            int rows = (int)rowIndex;
            if (direct is not null && rows == chunkRows)
                return new FeatureMatrix(direct, rows, columnCount);

            var values = HugePages.AllocateFloats(rows * columnCount);
            if (direct is not null)
                direct.AsSpan(0, values.Length).CopyTo(values); // fewer rows than declared
            else
                chunks.MoveTo(values);
            return new FeatureMatrix(values, rows, columnCount);
        }

        /// <summary>Bytes per chunk when the row count is unknown: above glibc's largest mmap threshold (32 MB).</summary>
        private const int ChunkBytes = 48 << 20;

        /// <summary>
        /// A <c>[rows, columns]</c> tensor that shares this matrix's memory (no copy): the array stays pinned
        /// until the tensor is disposed.
        /// </summary>
        public torch.Tensor AsTensor()
        {
            using var flat = torch.as_tensor(Values);
            using var rows = flat.narrow(0, 0, (long)RowCount * ColumnCount);
            return rows.view(RowCount, ColumnCount);
        }

        /// <summary>Copies the rows at <paramref name="rowIndices"/> into a new matrix.</summary>
        public FeatureMatrix SelectRows(IReadOnlyList<int> rowIndices)
        {
            var selected = new float[rowIndices.Count * ColumnCount];
            for (int i = 0; i < rowIndices.Count; i++)
                Array.Copy(Values, (long)rowIndices[i] * ColumnCount, selected, (long)i * ColumnCount, ColumnCount);
            return new FeatureMatrix(selected, rowIndices.Count, ColumnCount);
        }
    }
}
