using System;
using System.Numerics;
using Microsoft.ML.Autoencoder.Data;

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
        public static Standardization Fit(ReadOnlySpan<float> values, int rowCount, int featureCount)
        {
            var sum = new double[featureCount];
            for (int i = 0; i < rowCount; i++)
            {
                var row = values.Slice(i * featureCount, featureCount);
                for (int j = 0; j < featureCount; j++)
                    sum[j] += row[j];
            }
            var mean = new double[featureCount];
            for (int j = 0; j < featureCount; j++)
                mean[j] = sum[j] / rowCount;
            var squares = new double[featureCount];
            for (int i = 0; i < rowCount; i++)
            {
                var row = values.Slice(i * featureCount, featureCount);
                for (int j = 0; j < featureCount; j++)
                {
                    double d = row[j] - mean[j];
                    squares[j] += d * d;
                }
            }
            return FromMoments(mean, squares, rowCount);
        }

        /// <summary>
        /// Fits the statistics of the rows of <paramref name="rows"/>, read in two streamed passes in the source's order
        /// (the sums, then the squared deviations): the same arithmetic in the same order as
        /// <see cref="Fit(ReadOnlySpan{float}, int, int)"/>, so the same statistics. Also returns the number of rows.
        /// </summary>
        public static (Standardization Standardization, long RowCount) Fit(StreamingRows rows)
        {
            int d = rows.ColumnCount;
            var buffer = new float[Math.Max(1, (1 << 20) / d) * d];
            var sum = new double[d];
            long count = 0;
            using (var stream = rows.Open(shuffle: null, bufferRows: 0))
            {
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        var row = buffer.AsSpan(i * d, d);
                        for (int j = 0; j < d; j++)
                            sum[j] += row[j];
                    }
                    count += n;
                }
            }
            if (count == 0)
                throw new InvalidOperationException($"The {rows.DataName} has no rows in column '{rows.ColumnName}'.");
            var mean = new double[d];
            for (int j = 0; j < d; j++)
                mean[j] = sum[j] / count;
            var squares = new double[d];
            using (var stream = rows.Open(shuffle: null, bufferRows: 0))
            {
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        var row = buffer.AsSpan(i * d, d);
                        for (int j = 0; j < d; j++)
                        {
                            double deviation = row[j] - mean[j];
                            squares[j] += deviation * deviation;
                        }
                    }
                }
            }
            return (FromMoments(mean, squares, count), count);
        }

        private static Standardization FromMoments(double[] mean, double[] squares, long rowCount)
        {
            int featureCount = mean.Length;
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
