using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
            => Read(data, columnName, columnCount, requireUnitInterval, dataName, ChunkBytes);

        /// <summary>As <see cref="Read(IDataView, string, int, bool, string)"/>, with the chunk size given (for tests).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static FeatureMatrix Read(IDataView data, string columnName, int columnCount, bool requireUnitInterval, string dataName, int chunkBytes)
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
                    if (buffer.Length != columnCount)
                        throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has {buffer.Length} values; {columnCount} were expected.");
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
                    CheckRow(row, rowIndex, columnName, requireUnitInterval, dataName);
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

        private static string Describe(float value) => float.IsNaN(value) ? "NaN" : "infinite";
    }

    /// <summary>Fixed-size float chunks in native memory, freed as they are moved out or on dispose.</summary>
    internal sealed class NativeChunks : IDisposable
    {
        private readonly List<NativeBuffer> _chunks = new();
        private readonly int _length;

        public NativeChunks(int length) => _length = length;

        public NativeBuffer Add()
        {
            var chunk = new NativeBuffer(_length);
            _chunks.Add(chunk);
            return chunk;
        }

        /// <summary>Copies the chunks in order into <paramref name="destination"/> (which ends where the data ends), freeing each once copied.</summary>
        public void MoveTo(Span<float> destination)
        {
            foreach (var chunk in _chunks)
            {
                int length = Math.Min(chunk.Length, destination.Length);
                chunk.Span.Slice(0, length).CopyTo(destination);
                destination = destination.Slice(length);
                chunk.Dispose();
            }
            _chunks.Clear();
        }

        public void Dispose()
        {
            foreach (var chunk in _chunks)
                chunk.Dispose();
            _chunks.Clear();
        }
    }

    /// <summary>A float buffer in native memory (not zeroed: pages are touched only as they are written).</summary>
    internal sealed unsafe class NativeBuffer : IDisposable
    {
        private float* _data;
        private readonly bool _aligned;

        public NativeBuffer(int length)
        {
            nuint bytes = (nuint)length * sizeof(float);
            _aligned = bytes >= 2 * HugePages.PageBytes;
            _data = (float*)(_aligned ? NativeMemory.AlignedAlloc(bytes, (nuint)HugePages.PageBytes) : NativeMemory.Alloc(bytes));
            if (_aligned)
                HugePages.Advise((IntPtr)_data, (long)bytes);
            Length = length;
        }

        public int Length { get; }

        public Span<float> Span => _data == null ? throw new ObjectDisposedException(nameof(NativeBuffer)) : new Span<float>(_data, Length);

        public void Dispose()
        {
            if (_data != null)
            {
                if (_aligned)
                    NativeMemory.AlignedFree(_data);
                else
                    NativeMemory.Free(_data);
                _data = null;
            }
        }
    }
}
