using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static FeatureMatrix Read(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName)
        {
            var column = data.Schema[columnName];
            // With a known row count the rows go straight into the final buffer. Otherwise they go into
            // chunks of about 4 MB, copied once into an exact buffer at the end: growing one array by
            // doubling would touch (and page-fault) several times the data's size.
            long? knownRows = data.GetRowCount();
            int chunkRows = knownRows is long n && n > 0 && n * columnCount <= Array.MaxLength
                ? (int)n
                : Math.Max(1, (4 << 20) / (sizeof(float) * columnCount));
            var chunks = new List<float[]>();
            var chunk = GC.AllocateUninitializedArray<float>(chunkRows * columnCount);
            int rowInChunk = 0;
            VBuffer<float> buffer = default;
            long rowIndex = 0;
            using (var cursor = data.GetRowCursor(new[] { column }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                while (cursor.MoveNext())
                {
                    getter(ref buffer);
                    if (buffer.Length != columnCount)
                        throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has {buffer.Length} values; {columnCount} were expected.");
                    if ((rowIndex + 1) * columnCount > Array.MaxLength)
                        throw new InvalidOperationException($"The {dataName} is too large to hold in memory as one buffer ({rowIndex} rows of {columnCount} values).");
                    if (rowInChunk == chunkRows)
                    {
                        chunks.Add(chunk);
                        chunk = GC.AllocateUninitializedArray<float>(chunkRows * columnCount);
                        rowInChunk = 0;
                    }
                    var row = chunk.AsSpan(rowInChunk * columnCount, columnCount);
                    buffer.CopyTo(row);
                    CheckRow(row, rowIndex, columnName, requireUnitInterval, dataName);
                    rowInChunk++;
                    rowIndex++;
                }
            }
            if (rowIndex == 0)
                throw new InvalidOperationException($"The {dataName} has no rows in column '{columnName}'.");
            int rows = (int)rowIndex;
            if (chunks.Count == 0 && rowInChunk == chunkRows)
                return new FeatureMatrix(chunk, rows, columnCount);

            chunks.Add(chunk);
            var values = GC.AllocateUninitializedArray<float>(rows * columnCount);
            int copied = 0;
            foreach (var part in chunks)
            {
                int length = Math.Min(part.Length, values.Length - copied);
                part.AsSpan(0, length).CopyTo(values.AsSpan(copied));
                copied += length;
            }
            return new FeatureMatrix(values, rows, columnCount);
        }

        /// <summary>
        /// Throws for a NaN or infinite value, or one outside [0, 1] when required. The common case is one
        /// vectorized pass: a row's values times zero sum to zero exactly when none is NaN or infinite.
        /// Compiled fully optimized at once: it runs once per row of a single pass, too soon for tiering.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void CheckRow(ReadOnlySpan<float> row, long rowIndex, string columnName, bool requireUnitInterval, string dataName)
        {
            var zeros = Vector<float>.Zero;
            var minimum = new Vector<float>(float.PositiveInfinity);
            var maximum = new Vector<float>(float.NegativeInfinity);
            int j = 0;
            for (; j <= row.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                var values = new Vector<float>(row.Slice(j));
                zeros += values * Vector<float>.Zero;
                minimum = Vector.Min(minimum, values);
                maximum = Vector.Max(maximum, values);
            }
            float zero = Vector.Sum(zeros), low = float.PositiveInfinity, high = float.NegativeInfinity;
            for (int k = 0; k < Vector<float>.Count; k++)
            {
                low = Math.Min(low, minimum[k]);
                high = Math.Max(high, maximum[k]);
            }
            for (; j < row.Length; j++)
            {
                zero += row[j] * 0;
                low = Math.Min(low, row[j]);
                high = Math.Max(high, row[j]);
            }
            bool suspicious = zero != 0 || requireUnitInterval && (low < 0 || high > 1);
            if (!suspicious)
                return;
            for (int index = 0; index < row.Length; index++)
            {
                float value = row[index];
                if (!float.IsFinite(value))
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has a {Describe(value)} value at index {index}. Remove or impute such rows first (for example with ReplaceMissingValues).");
                if (requireUnitInterval && (value < 0 || value > 1))
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has the value {value} at index {index}, outside [0, 1], which binary cross-entropy needs. Scale the column first (for example with NormalizeMinMax) or choose another loss.");
            }
        }

        /// <summary>
        /// A <c>[rows, columns]</c> tensor that shares this matrix's memory (no copy): the array stays pinned
        /// until the tensor is disposed.
        /// </summary>
        public torch.Tensor AsTensor()
        {
            using var flat = torch.as_tensor(Values);
            return flat.narrow(0, 0, (long)RowCount * ColumnCount).view(RowCount, ColumnCount);
        }

        /// <summary>Copies the rows at <paramref name="rowIndices"/> into a new matrix.</summary>
        public FeatureMatrix SelectRows(IReadOnlyList<int> rowIndices)
        {
            var selected = new float[rowIndices.Count * ColumnCount];
            for (int i = 0; i < rowIndices.Count; i++)
                Array.Copy(Values, (long)rowIndices[i] * ColumnCount, selected, (long)i * ColumnCount, ColumnCount);
            return new FeatureMatrix(selected, rowIndices.Count, ColumnCount);
        }

        private static string Describe(float value) => float.IsNaN(value) ? "NaN" : "infinite";
    }
}
