using System;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>Shared set-up and measurements of the variant tests.</summary>
    internal static class VariantTestHelpers
    {
        public const int Size = 20;

        /// <summary>A small dense model that trains in well under a second on the synthetic data.</summary>
        public static AutoencoderEstimator.Options SmallOptions(int epochs = 30) => new AutoencoderEstimator.Options
        {
            LatentDimension = 3,
            Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 } },
            MaximumNumberOfEpochs = epochs,
            Patience = epochs,
            BatchSize = 32,
            LearningRate = 1e-2f,
            Seed = 1,
        };

        /// <summary>Training and held-out rows near a 3-dimensional manifold in [0, 1]^20.</summary>
        public static (float[][] Train, float[][] Test) Split(int trainRows = 300, int testRows = 100, int seed = 7)
        {
            var rows = SyntheticData.LowRankRows(trainRows + testRows, Size, rank: 3, seed);
            return (rows[..trainRows], rows[trainRows..]);
        }

        public static AutoencoderTransformer Fit(MLContext ml, AutoencoderEstimator.Options options, float[][] rows)
            => ml.Transforms.Autoencoder(options).Fit(SyntheticData.ToDataView(ml, rows, Size));

        /// <summary>Adds seeded Gaussian noise of standard deviation <paramref name="std"/> to every value.</summary>
        public static float[] AddNoise(float[] values, float std, int seed)
        {
            var random = new Random(seed);
            return values.Select(v => v + std * (float)Gaussian(random)).ToArray();
        }

        public static double MeanSquaredError(float[] a, float[] b)
            => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average();

        /// <summary>
        /// The encoder Jacobian's Frobenius norm averaged over <paramref name="rows"/>, by central finite
        /// differences through the public <see cref="AutoencoderTransformer.Encode"/> (independent of the
        /// autograd computation used in training).
        /// </summary>
        public static double JacobianNorm(AutoencoderTransformer model, float[][] rows, float step = 1e-2f)
        {
            int latent = model.LatentDimension;
            var squared = new double[rows.Length];
            for (int j = 0; j < model.InputSize; j++)
            {
                var plus = SyntheticData.Flatten(rows.Select(r => { var c = (float[])r.Clone(); c[j] += step; return c; }));
                var minus = SyntheticData.Flatten(rows.Select(r => { var c = (float[])r.Clone(); c[j] -= step; return c; }));
                var codesPlus = model.Encode(plus);
                var codesMinus = model.Encode(minus);
                for (int i = 0; i < rows.Length; i++)
                {
                    for (int k = 0; k < latent; k++)
                    {
                        double derivative = (codesPlus[i * latent + k] - codesMinus[i * latent + k]) / (2.0 * step);
                        squared[i] += derivative * derivative;
                    }
                }
            }
            return squared.Average(Math.Sqrt);
        }

        public static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
