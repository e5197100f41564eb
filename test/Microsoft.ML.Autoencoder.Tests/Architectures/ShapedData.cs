using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Tests.Architectures
{
    /// <summary>Small seeded images and sequences for the shaped architectures' tests.</summary>
    internal static class ShapedData
    {
        private sealed class Row
        {
            public float[] Features { get; set; } = Array.Empty<float>();
        }

        /// <summary>
        /// A data view whose <c>Features</c> column is a vector with the given <paramref name="dimensions"/>
        /// (for example <c>[channels, height, width]</c>); one dimension gives a plain vector.
        /// </summary>
        public static IDataView ToDataView(MLContext ml, IEnumerable<float[]> rows, params int[] dimensions)
        {
            var definition = SchemaDefinition.Create(typeof(Row));
            definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
            return ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }).ToList(), definition);
        }

        /// <summary>Uniform random rows in [0, 1].</summary>
        public static float[][] Uniform(int rows, int size, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, size).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        }

        /// <summary>
        /// One-channel <paramref name="side"/> x <paramref name="side"/> images in [0, 1]: half of them a
        /// Gaussian blob at a random position, half a horizontal or vertical bar two pixels wide at a random
        /// row or column, plus a little noise.
        /// </summary>
        public static float[][] BlobsAndBars(int rows, int side, int seed, float noise = 0.02f)
        {
            var random = new Random(seed);
            var result = new float[rows][];
            for (int i = 0; i < rows; i++)
            {
                var image = new float[side * side];
                if (i % 2 == 0)
                {
                    double centerY = 2 + random.NextDouble() * (side - 5), centerX = 2 + random.NextDouble() * (side - 5);
                    for (int y = 0; y < side; y++)
                        for (int x = 0; x < side; x++)
                            image[y * side + x] = (float)Math.Exp(-((y - centerY) * (y - centerY) + (x - centerX) * (x - centerX)) / (2 * 1.5 * 1.5));
                }
                else
                {
                    bool horizontal = random.Next(2) == 0;
                    int position = random.Next(side - 1);
                    for (int y = 0; y < side; y++)
                        for (int x = 0; x < side; x++)
                            image[y * side + x] = (horizontal ? y : x) - position is 0 or 1 ? 1f : 0f;
                }
                for (int j = 0; j < image.Length; j++)
                    image[j] = Math.Clamp(image[j] + noise * (float)Gaussian(random), 0f, 1f);
                result[i] = image;
            }
            return result;
        }

        /// <summary>
        /// Sequences of <paramref name="timesteps"/> steps (time-major) of <paramref name="features"/> noisy
        /// sines, all of one random amplitude in [0.5, 1.5] and one random phase, feature <c>f</c> shifted by
        /// <c>f * pi / 2</c>, with a period of 12 steps.
        /// </summary>
        public static float[][] NoisySines(int rows, int timesteps, int features, int seed, float noise = 0.05f)
        {
            var random = new Random(seed);
            var result = new float[rows][];
            for (int i = 0; i < rows; i++)
            {
                double amplitude = 0.5 + random.NextDouble(), phase = 2 * Math.PI * random.NextDouble();
                var row = new float[timesteps * features];
                for (int t = 0; t < timesteps; t++)
                    for (int f = 0; f < features; f++)
                        row[t * features + f] = (float)(amplitude * Math.Sin(2 * Math.PI * t / 12 + phase + f * Math.PI / 2) + noise * Gaussian(random));
                result[i] = row;
            }
            return result;
        }

        /// <summary>The mean squared error of <paramref name="reconstructions"/> (rows one after the other) against <paramref name="rows"/>.</summary>
        public static double MeanSquaredError(float[] reconstructions, float[][] rows)
        {
            var flat = rows.SelectMany(r => r).ToArray();
            if (flat.Length != reconstructions.Length)
                throw new ArgumentException($"{reconstructions.Length} reconstructed values for {flat.Length} values.");
            return flat.Zip(reconstructions, (x, y) => (double)(x - y) * (x - y)).Average();
        }

        /// <summary>The mean squared error of predicting every row of <paramref name="test"/> by the mean row of <paramref name="train"/>.</summary>
        public static double MeanRowError(float[][] train, float[][] test)
        {
            int size = train[0].Length;
            var mean = Enumerable.Range(0, size).Select(j => train.Average(r => r[j])).ToArray();
            return test.SelectMany(r => r.Select((x, j) => (x - mean[j]) * (x - mean[j]))).Average();
        }

        private static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
