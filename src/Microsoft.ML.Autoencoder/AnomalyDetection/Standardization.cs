using System;
using System.Numerics;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// Per-feature standardization, (x - mean) / standard deviation, with the training rows' statistics (the population
    /// standard deviation, as scikit-learn's <c>StandardScaler</c> that PyOD uses). A feature whose standard deviation is
    /// zero (or too small to divide by) is centred only.
    /// </summary>
    internal sealed class Standardization
    {
        private readonly float[] _inverseScale;

        public Standardization(float[] mean, float[] scale)
        {
            Mean = mean;
            Scale = scale;
            _inverseScale = Array.ConvertAll(scale, s => 1f / s);
        }

        /// <summary>The training mean of each feature.</summary>
        public float[] Mean { get; }

        /// <summary>The divisor of each feature: its training standard deviation, or 1 for a constant feature.</summary>
        public float[] Scale { get; }

        /// <summary>Fits the statistics of <paramref name="rowCount"/> rows of <paramref name="featureCount"/> values (in double precision).</summary>
        public static Standardization Fit(float[] values, int rowCount, int featureCount)
        {
            var sum = new double[featureCount];
            for (int i = 0; i < rowCount; i++)
            {
                var row = values.AsSpan(i * featureCount, featureCount);
                for (int j = 0; j < featureCount; j++)
                    sum[j] += row[j];
            }
            var mean = new double[featureCount];
            for (int j = 0; j < featureCount; j++)
                mean[j] = sum[j] / rowCount;
            var squares = new double[featureCount];
            for (int i = 0; i < rowCount; i++)
            {
                var row = values.AsSpan(i * featureCount, featureCount);
                for (int j = 0; j < featureCount; j++)
                {
                    double d = row[j] - mean[j];
                    squares[j] += d * d;
                }
            }
            var meanOut = new float[featureCount];
            var scale = new float[featureCount];
            for (int j = 0; j < featureCount; j++)
            {
                meanOut[j] = (float)mean[j];
                double deviation = Math.Sqrt(squares[j] / rowCount);
                // Below this, the feature is constant up to float rounding: dividing would blow rounding up to large values.
                scale[j] = deviation > 1e-6 * Math.Max(1, Math.Abs(mean[j])) ? (float)deviation : 1f;
            }
            return new Standardization(meanOut, scale);
        }

        /// <summary>Standardizes one row in place: (x - mean) times the scale's inverse, vectorized (training and scoring both call this).</summary>
        public void Apply(Span<float> row)
        {
            ReadOnlySpan<float> mean = Mean, inverse = _inverseScale;
            int j = 0;
            for (; j <= row.Length - Vector<float>.Count; j += Vector<float>.Count)
                ((new Vector<float>(row.Slice(j)) - new Vector<float>(mean.Slice(j))) * new Vector<float>(inverse.Slice(j))).CopyTo(row.Slice(j));
            for (; j < row.Length; j++)
                row[j] = (row[j] - mean[j]) * inverse[j];
        }
    }
}
