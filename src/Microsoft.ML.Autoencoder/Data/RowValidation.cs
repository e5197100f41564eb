using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The checks of one input row's values, shared by training (<see cref="FeatureMatrix"/>) and scoring
    /// (<see cref="BatchBuffers"/>): the common case, a valid row, is one vectorized pass.
    /// </summary>
    internal static class RowValidation
    {
        /// <summary>What a message about a NaN or infinite training value advises.</summary>
        public const string TrainingNonFiniteAdvice = "Remove or impute such rows first (for example with ReplaceMissingValues).";

        /// <summary>
        /// Throws for a NaN or infinite value, or one outside [0, 1] when <paramref name="requireUnitInterval"/>. A row's
        /// values times zero sum to zero exactly when none is NaN or infinite. Compiled fully optimized at once: training
        /// runs it once per row of a single pass, too soon for tiering.
        /// </summary>
        /// <exception cref="InvalidOperationException">The message names the row, the column, the index and the value.</exception>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void CheckValues(ReadOnlySpan<float> row, long rowIndex, string columnName, string dataName, bool requireUnitInterval, string nonFiniteAdvice)
        {
            bool suspicious = requireUnitInterval ? !FiniteWithin(row, 0, 1) : !AllFinite(row);
            if (!suspicious)
                return;
            for (int index = 0; index < row.Length; index++)
            {
                float value = row[index];
                if (!float.IsFinite(value))
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has a {(float.IsNaN(value) ? "NaN" : "infinite")} value at index {index}. {nonFiniteAdvice}");
                if (requireUnitInterval && (value < 0 || value > 1))
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has the value {value} at index {index}, outside [0, 1], which binary cross-entropy needs. Scale the column first (for example with NormalizeMinMax) or choose another loss.");
            }
        }

        /// <summary>The index of the first NaN or infinite value of <paramref name="values"/>, or -1 when all are finite.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int IndexOfNonFinite(ReadOnlySpan<float> values)
        {
            if (AllFinite(values))
                return -1;
            for (int index = 0; index < values.Length; index++)
            {
                if (!float.IsFinite(values[index]))
                    return index;
            }
            return -1;
        }

        /// <summary>
        /// Whether no value is NaN or infinite: the values times zero, summed in four independent vector accumulators (one
        /// accumulator would wait on each addition's latency and check a quarter as fast), sum to zero.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static bool AllFinite(ReadOnlySpan<float> values)
        {
            var zero = Vector<float>.Zero;
            Vector<float> a = zero, b = zero, c = zero, d = zero;
            int width = Vector<float>.Count, j = 0;
            for (; j <= values.Length - 4 * width; j += 4 * width)
            {
                a += new Vector<float>(values.Slice(j)) * zero;
                b += new Vector<float>(values.Slice(j + width)) * zero;
                c += new Vector<float>(values.Slice(j + 2 * width)) * zero;
                d += new Vector<float>(values.Slice(j + 3 * width)) * zero;
            }
            for (; j <= values.Length - width; j += width)
                a += new Vector<float>(values.Slice(j)) * zero;
            float sum = Vector.Sum(a + b + c + d);
            for (; j < values.Length; j++)
                sum += values[j] * 0;
            return sum == 0;
        }

        /// <summary>Whether every value is finite and within [<paramref name="low"/>, <paramref name="high"/>].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static bool FiniteWithin(ReadOnlySpan<float> values, float low, float high)
        {
            if (!AllFinite(values))
                return false;
            var lowest = new Vector<float>(float.PositiveInfinity);
            var highest = new Vector<float>(float.NegativeInfinity);
            Vector<float> lowest2 = lowest, highest2 = highest;
            int width = Vector<float>.Count, j = 0;
            for (; j <= values.Length - 2 * width; j += 2 * width)
            {
                var v = new Vector<float>(values.Slice(j));
                var w = new Vector<float>(values.Slice(j + width));
                lowest = Vector.Min(lowest, v);
                highest = Vector.Max(highest, v);
                lowest2 = Vector.Min(lowest2, w);
                highest2 = Vector.Max(highest2, w);
            }
            lowest = Vector.Min(lowest, lowest2);
            highest = Vector.Max(highest, highest2);
            float minimum = float.PositiveInfinity, maximum = float.NegativeInfinity;
            for (int k = 0; k < width; k++)
            {
                minimum = Math.Min(minimum, lowest[k]);
                maximum = Math.Max(maximum, highest[k]);
            }
            for (; j < values.Length; j++)
            {
                minimum = Math.Min(minimum, values[j]);
                maximum = Math.Max(maximum, values[j]);
            }
            return minimum >= low && maximum <= high;
        }

        /// <summary>Throws when a row does not have the column's size (a source that breaks its own schema).</summary>
        /// <exception cref="InvalidOperationException">The message names the row, the column and both sizes.</exception>
        public static void CheckLength(int length, int expected, long rowIndex, string columnName, string dataName)
        {
            if (length != expected)
                throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has {length} values; {expected} were expected (the column's type says {expected}).");
        }
    }
}
