using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
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
        {
            var column = data.Schema[columnName];
            long? knownRows = data.GetRowCount();
            var values = new float[knownRows is long n && n > 0 && n * columnCount <= Array.MaxLength ? n * columnCount : 1024L * columnCount];
            VBuffer<float> buffer = default;
            int rowIndex = 0;
            using (var cursor = data.GetRowCursor(new[] { column }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                while (cursor.MoveNext())
                {
                    getter(ref buffer);
                    if (buffer.Length != columnCount)
                        throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has {buffer.Length} values; {columnCount} were expected.");
                    long offset = (long)rowIndex * columnCount;
                    if (offset + columnCount > Array.MaxLength)
                        throw new InvalidOperationException($"The {dataName} is too large to hold in memory as one buffer ({rowIndex} rows of {columnCount} values).");
                    if (offset + columnCount > values.Length)
                        Array.Resize(ref values, (int)Math.Min(Array.MaxLength, 2L * values.Length));
                    var row = values.AsSpan((int)offset, columnCount);
                    buffer.CopyTo(row);
                    CheckRow(row, rowIndex, columnName, requireUnitInterval, dataName);
                    rowIndex++;
                }
            }
            if (rowIndex == 0)
                throw new InvalidOperationException($"The {dataName} has no rows in column '{columnName}'.");
            if (values.Length != (long)rowIndex * columnCount)
                Array.Resize(ref values, rowIndex * columnCount);
            return new FeatureMatrix(values, rowIndex, columnCount);
        }

        /// <summary>
        /// Throws for a NaN or infinite value, or one outside [0, 1] when required. The common case is one
        /// vectorized pass: a row's sum is finite exactly when no value is NaN or infinite (unless finite
        /// values overflow it, which the exact scan then clears).
        /// </summary>
        private static void CheckRow(ReadOnlySpan<float> row, int rowIndex, string columnName, bool requireUnitInterval, string dataName)
        {
            bool suspicious = !float.IsFinite(TensorPrimitives.Sum(row))
                || requireUnitInterval && (TensorPrimitives.Min(row) < 0 || TensorPrimitives.Max(row) > 1);
            if (!suspicious)
                return;
            for (int j = 0; j < row.Length; j++)
            {
                float value = row[j];
                if (!float.IsFinite(value))
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has a {Describe(value)} value at index {j}. Remove or impute such rows first (for example with ReplaceMissingValues).");
                if (requireUnitInterval && (value < 0 || value > 1))
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has the value {value} at index {j}, outside [0, 1], which binary cross-entropy needs. Scale the column first (for example with NormalizeMinMax) or choose another loss.");
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
