using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>
    /// Seeded tabular data with injected outliers: normal rows lie near a 3-dimensional linear subspace of 12 features on
    /// very different scales (so that standardization matters), feature 11 is constant; an outlier is a normal row with
    /// one feature shifted by <see cref="Shift"/> of that feature's standard deviations: feature <see cref="InjectedFeature"/>
    /// in test sets, a feature drawn at random (either way) in training sets, whose anomalies, as real ones, have no
    /// common pattern that the autoencoder could learn to reconstruct.
    /// </summary>
    internal static class AnomalyData
    {
        public const int FeatureCount = 12;

        public const int InjectedFeature = 4;

        public const float Shift = 8;

        public const float ConstantValue = 7.5f;

        private static readonly float[] s_scales = { 1, 10, 100, 0.01f, 5, 1000, 0.1f, 2, 50, 0.5f, 20, 1 };

        public sealed class Row
        {
            public float[] Features { get; set; } = Array.Empty<float>();

            /// <summary>1 for an outlier, 0 for a normal row (Single, as ML.NET's anomaly evaluator wants).</summary>
            public float Label { get; set; }
        }

        /// <summary>
        /// <paramref name="normal"/> normal rows and <paramref name="outliers"/> outliers, in a seeded random order; the
        /// outliers' shifted feature is <see cref="InjectedFeature"/>, or drawn per outlier when <paramref name="randomFeature"/>.
        /// </summary>
        public static List<Row> Rows(int normal, int outliers, int seed, bool randomFeature = false)
        {
            var random = new Random(seed);
            // The subspace is fixed (seed 12345) so that training and test sets share it.
            var mixing = Mixing();
            var rows = new List<Row>();
            for (int i = 0; i < normal + outliers; i++)
            {
                var factors = new[] { Gaussian(random), Gaussian(random), Gaussian(random) };
                var features = new float[FeatureCount];
                int injected = randomFeature ? random.Next(FeatureCount - 1) : InjectedFeature;
                double sign = randomFeature && random.Next(2) == 0 ? -1 : 1;
                for (int j = 0; j < FeatureCount; j++)
                {
                    double z = 0;
                    for (int k = 0; k < 3; k++)
                        z += factors[k] * mixing[k, j];
                    z += 0.1 * Gaussian(random);
                    if (i >= normal && j == injected)
                        z += sign * Shift * StandardDeviation(mixing, j);
                    features[j] = (float)(z * s_scales[j] + 3 * s_scales[j]);
                }
                features[FeatureCount - 1] = ConstantValue;
                rows.Add(new Row { Features = features, Label = i >= normal ? 1 : 0 });
            }
            return rows.OrderBy(_ => random.Next()).ToList();
        }

        /// <summary>The feature names the data view's slot-name annotation carries.</summary>
        public static string[] FeatureNames => Enumerable.Range(0, FeatureCount).Select(j => $"f{j}").ToArray();

        public static IDataView ToDataView(MLContext ml, IEnumerable<Row> rows, bool slotNames = true)
        {
            var definition = SchemaDefinition.Create(typeof(Row));
            var column = definition[nameof(Row.Features)];
            column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
            if (slotNames)
            {
                var names = new VBuffer<ReadOnlyMemory<char>>(FeatureCount, FeatureNames.Select(n => n.AsMemory()).ToArray());
                column.AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, FeatureCount));
            }
            return ml.Data.LoadFromEnumerable(rows.ToList(), definition);
        }

        public static float[] Flatten(IEnumerable<Row> rows) => rows.SelectMany(r => r.Features).ToArray();

        /// <summary>The area under the ROC curve of <paramref name="scores"/> for <paramref name="labels"/> (ties count half).</summary>
        public static double Auc(IReadOnlyList<float> scores, IReadOnlyList<float> labels)
        {
            double sum = 0;
            long positives = 0, negatives = 0;
            for (int i = 0; i < scores.Count; i++)
            {
                if (labels[i] <= 0)
                    continue;
                positives++;
                for (int j = 0; j < scores.Count; j++)
                {
                    if (labels[j] > 0)
                        continue;
                    sum += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
            negatives = scores.Count - positives;
            return sum / (positives * negatives);
        }

        private static double[,] Mixing()
        {
            var random = new Random(12345);
            var mixing = new double[3, FeatureCount];
            for (int k = 0; k < 3; k++)
                for (int j = 0; j < FeatureCount; j++)
                    mixing[k, j] = Gaussian(random);
            return mixing;
        }

        private static double StandardDeviation(double[,] mixing, int j)
            => Math.Sqrt(mixing[0, j] * mixing[0, j] + mixing[1, j] * mixing[1, j] + mixing[2, j] * mixing[2, j] + 0.01);

        private static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
