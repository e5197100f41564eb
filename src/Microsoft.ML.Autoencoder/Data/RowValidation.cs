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
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has a {(float.IsNaN(value) ? "NaN" : "infinite")} value at index {index}. {nonFiniteAdvice}");
                if (requireUnitInterval && (value < 0 || value > 1))
                    throw new InvalidOperationException($"Row {rowIndex} of column '{columnName}' in the {dataName} has the value {value} at index {index}, outside [0, 1], which binary cross-entropy needs. Scale the column first (for example with NormalizeMinMax) or choose another loss.");
            }
        }

        /// <summary>The index of the first NaN or infinite value of <paramref name="values"/>, or -1 when all are finite.</summary>
        public static int IndexOfNonFinite(ReadOnlySpan<float> values)
        {
            var zeros = Vector<float>.Zero;
            int j = 0;
            for (; j <= values.Length - Vector<float>.Count; j += Vector<float>.Count)
                zeros += new Vector<float>(values.Slice(j)) * Vector<float>.Zero;
            float zero = Vector.Sum(zeros);
            for (; j < values.Length; j++)
                zero += values[j] * 0;
            if (zero == 0)
                return -1;
            for (int index = 0; index < values.Length; index++)
            {
                if (!float.IsFinite(values[index]))
                    return index;
            }
            return -1;
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
