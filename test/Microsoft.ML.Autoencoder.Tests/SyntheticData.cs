using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Tests
{
    /// <summary>Small seeded data sets for the tests.</summary>
    internal static class SyntheticData
    {
        public sealed class Row
        {
            public float[] Features { get; set; } = Array.Empty<float>();

            public float Label { get; set; }
        }

        /// <summary>
        /// Rows in [0, 1] that lie near a <paramref name="rank"/>-dimensional curved manifold in
        /// <paramref name="size"/> dimensions: sigmoid of a random linear map of random factors, plus a little noise.
        /// </summary>
        public static float[][] LowRankRows(int rows, int size, int rank, int seed, float noise = 0.02f)
        {
            var random = new Random(seed);
            var mixing = new double[rank, size];
            for (int k = 0; k < rank; k++)
                for (int j = 0; j < size; j++)
                    mixing[k, j] = Gaussian(random) * 1.5;
            var result = new float[rows][];
            for (int i = 0; i < rows; i++)
            {
                var factors = Enumerable.Range(0, rank).Select(_ => Gaussian(random)).ToArray();
                result[i] = new float[size];
                for (int j = 0; j < size; j++)
                {
                    double z = 0;
                    for (int k = 0; k < rank; k++)
                        z += factors[k] * mixing[k, j];
                    double value = 1 / (1 + Math.Exp(-z)) + noise * Gaussian(random);
                    result[i][j] = (float)Math.Clamp(value, 0, 1);
                }
            }
            return result;
        }

        public static IDataView ToDataView(MLContext ml, IEnumerable<float[]> rows, int size)
        {
            var definition = SchemaDefinition.Create(typeof(Row));
            definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
            return ml.Data.LoadFromEnumerable(rows.Select((r, i) => new Row { Features = r, Label = i % 2 }).ToList(), definition);
        }

        public static IDataView LowRank(MLContext ml, int rows = 300, int size = 20, int rank = 3, int seed = 7)
            => ToDataView(ml, LowRankRows(rows, size, rank, seed), size);

        public static float[] Flatten(IEnumerable<float[]> rows) => rows.SelectMany(r => r).ToArray();

        private static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
