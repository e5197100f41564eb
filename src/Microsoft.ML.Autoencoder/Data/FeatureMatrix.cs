using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The rows of one known-size float vector column, read from an <see cref="IDataView"/> into a single
    /// contiguous row-major buffer of native memory that becomes the training tensor's storage without a copy.
    /// </summary>
    internal sealed class FeatureMatrix : IDisposable
    {
        private NativeFloats? _memory;

        private FeatureMatrix(NativeFloats memory, int rowCount, int columnCount)
        {
            _memory = memory;
            RowCount = rowCount;
            ColumnCount = columnCount;
        }

        /// <summary>The rows, row-major (until <see cref="MoveToTensor"/> or <see cref="Dispose"/>).</summary>
        public ReadOnlySpan<float> Values => Memory.Span((long)RowCount * ColumnCount);

        public int RowCount { get; }

        public int ColumnCount { get; }

        private NativeFloats Memory => _memory ?? throw new ObjectDisposedException(nameof(FeatureMatrix), "The rows were moved into a tensor or freed.");

        /// <summary>
        /// Reads every row of <paramref name="columnName"/>. A NaN or infinite value is reported with its
        /// row index; so is a value outside [0, 1] when <paramref name="requireUnitInterval"/> is set.
        /// </summary>
        public static FeatureMatrix Read(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName)
            => Read(data, columnName, columnCount, requireUnitInterval, dataName, InitialBytes)!;

        /// <summary>
        /// As <see cref="Read(IDataView, string, int, bool, string)"/>, but gives up and returns <see langword="null"/> as soon as
        /// the rows read take more than <paramref name="maximumBytes"/> (what is read so far is freed).
        /// </summary>
        public static FeatureMatrix? ReadWithin(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName, long maximumBytes)
            => Read(data, columnName, columnCount, requireUnitInterval, dataName, InitialBytes, maximumBytes);

        /// <summary>
        /// As <see cref="Read(IDataView, string, int, bool, string)"/>, with the first allocation's size given where the
        /// memory grows by copying, and that way forced when <paramref name="reserve"/> is false (for tests).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static FeatureMatrix? Read(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName, int initialBytes, long maximumBytes = long.MaxValue, bool reserve = true)
        {
            var column = data.Schema[columnName];
            // The rows go straight into their final place (NativeFloats): with a known row count into memory of that
            // size; otherwise into a reservation of address space for as many rows as may be read (pages exist only
            // once written, the unused tail is returned at the end), or, where there is none, memory that doubles.
            long? knownRows = data.GetRowCount();
            bool known = knownRows is long n && n > 0 && n * columnCount <= Array.MaxLength;
            long maximumRows = known ? knownRows!.Value : Math.Min(Array.MaxLength / columnCount, maximumBytes / ((long)columnCount * sizeof(float)));
            using var memory = NativeFloats.Allocate(maximumRows * columnCount, known ? maximumRows * columnCount : Math.Max(columnCount, initialBytes / sizeof(float) / columnCount * columnCount), reserve);
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
                    if (known && rowIndex == maximumRows)
                        throw new InvalidOperationException($"The {dataName} has more rows than the {maximumRows} it declared.");
                    var row = memory.Slice(rowIndex * columnCount, columnCount);
                    buffer.CopyTo(row);
                    RowValidation.CheckValues(row, rowIndex, columnName, dataName, requireUnitInterval, RowValidation.TrainingNonFiniteAdvice);
                    rowIndex++;
                }
            }
            if (rowIndex == 0)
                throw new InvalidOperationException($"The {dataName} has no rows in column '{columnName}'.");
            memory.Trim(rowIndex * columnCount);
            return new FeatureMatrix(memory.Take(), (int)rowIndex, columnCount);
        }

        /// <summary>The first allocation when the row count is unknown and the memory grows by copying.</summary>
        private const int InitialBytes = 48 << 20;

        /// <summary>
        /// A <c>[rows, columns]</c> tensor over this matrix's memory (no copy), which owns it from now on: the matrix is
        /// empty afterwards.
        /// </summary>
        public torch.Tensor MoveToTensor()
        {
            var tensor = Memory.MoveToTensor(RowCount, ColumnCount);
            _memory = null;
            return tensor;
        }

        /// <summary>Copies the rows at <paramref name="rowIndices"/> into a new matrix.</summary>
        public FeatureMatrix SelectRows(IReadOnlyList<int> rowIndices)
        {
            long length = (long)rowIndices.Count * ColumnCount;
            using var memory = NativeFloats.Allocate(length, length);
            var values = Values;
            for (int i = 0; i < rowIndices.Count; i++)
                values.Slice(rowIndices[i] * ColumnCount, ColumnCount).CopyTo(memory.Slice((long)i * ColumnCount, ColumnCount));
            return new FeatureMatrix(memory.Take(), rowIndices.Count, ColumnCount);
        }

        /// <summary>Frees the rows (nothing once they were moved into a tensor).</summary>
        public void Dispose()
        {
            _memory?.Dispose();
            _memory = null;
        }
    }
}
