using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>
    /// A small seeded classification problem for whole pipelines: <see cref="ClassCount"/> classes whose
    /// rows lie near a 3-dimensional manifold in 20 dimensions, split over two raw columns (so the pipeline
    /// concatenates them) on a scale far from [0, 1] (so it must normalize them).
    /// </summary>
    internal static class ClassificationData
    {
        public const int SizeA = 12;
        public const int SizeB = 8;
        public const int FeatureCount = SizeA + SizeB;
        public const int ClassCount = 4;
        public const int Rank = 3;

        public sealed class Row
        {
            [VectorType(SizeA)]
            public float[] A { get; set; } = Array.Empty<float>();

            [VectorType(SizeB)]
            public float[] B { get; set; } = Array.Empty<float>();

            public uint Label { get; set; }
        }

        /// <summary>
        /// Rows of classes 0 to <see cref="ClassCount"/> - 1 in turn. Each class is a cluster of latent factors
        /// around its own centre; the factors are mapped to 20 values by one random, fixed (per
        /// <paramref name="problemSeed"/>) nonlinear map, plus a little noise.
        /// </summary>
        public static List<Row> Rows(int count, int seed, int problemSeed = 1)
        {
            var problem = new Random(problemSeed);
            var centres = Enumerable.Range(0, ClassCount).Select(_ => Enumerable.Range(0, Rank).Select(_ => 2.5 * Gaussian(problem)).ToArray()).ToArray();
            var mixing = new double[Rank, FeatureCount];
            for (int k = 0; k < Rank; k++)
                for (int j = 0; j < FeatureCount; j++)
                    mixing[k, j] = Gaussian(problem) * 0.8;

            var random = new Random(seed);
            var rows = new List<Row>(count);
            for (int i = 0; i < count; i++)
            {
                int label = i % ClassCount;
                var factors = centres[label].Select(c => c + 0.6 * Gaussian(random)).ToArray();
                var values = new float[FeatureCount];
                for (int j = 0; j < FeatureCount; j++)
                {
                    double z = 0;
                    for (int k = 0; k < Rank; k++)
                        z += factors[k] * mixing[k, j];
                    values[j] = (float)(40 * Math.Tanh(z / 3) + 100 + 0.5 * Gaussian(random));
                }
                rows.Add(new Row { A = values[..SizeA], B = values[SizeA..], Label = (uint)label });
            }
            return rows;
        }

        public static IDataView Load(MLContext ml, int count, int seed, int problemSeed = 1)
            => ml.Data.LoadFromEnumerable(Rows(count, seed, problemSeed));

        private static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
