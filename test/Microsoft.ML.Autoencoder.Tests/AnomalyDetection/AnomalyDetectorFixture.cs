using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>
    /// One trained detector shared by the tests that only read it: 570 normal rows and 30 outliers (5%) in training, the
    /// outliers (each with a feature of its own shifted) left in as real training sets have them; a test set of 950 normal rows and 50 outliers, all with the injected feature shifted.
    /// </summary>
    internal static class AnomalyDetectorFixture
    {
        public const double Contamination = 0.05;

        public static readonly List<AnomalyData.Row> Train = AnomalyData.Rows(570, 30, seed: 1, randomFeature: true);

        public static readonly List<AnomalyData.Row> Test = AnomalyData.Rows(950, 50, seed: 2);

        private static readonly Lazy<AutoencoderAnomalyTransformer> s_detector = new(() =>
        {
            var ml = new MLContext(seed: 1);
            return ml.AnomalyDetection.Trainers.Autoencoder(Options()).Fit(AnomalyData.ToDataView(ml, Train));
        });

        /// <summary>The shared detector: contamination threshold, every optional column. Never dispose it.</summary>
        public static AutoencoderAnomalyTransformer Detector => s_detector.Value;

        /// <summary>The options of the shared detector: small and quick, otherwise the defaults.</summary>
        public static AutoencoderAnomalyTrainer.Options Options()
        {
            var options = new AutoencoderAnomalyTrainer.Options
            {
                ThresholdMethod = AnomalyThresholdMethod.Contamination,
                Contamination = Contamination,
                NormalizedScoreColumnName = "NormalizedScore",
                FeatureContributionsColumnName = "Contributions",
                TopContributorsColumnName = "Top",
                TopContributorNamesColumnName = "TopNames",
            };
            options.Autoencoder.MaximumNumberOfEpochs = 40;
            options.Autoencoder.Seed = 3;
            return options;
        }

        /// <summary>The test set scored: score, predicted label, label, normalized score, contributions, top indices and names per row.</summary>
        public static List<ScoredRow> Score(ITransformer detector, IEnumerable<AnomalyData.Row> rows)
        {
            var ml = new MLContext(seed: 1);
            return ml.Data.CreateEnumerable<ScoredRow>(detector.Transform(AnomalyData.ToDataView(ml, rows)), reuseRowObject: false).ToList();
        }

        public sealed class ScoredRow
        {
            public float Label { get; set; }

            public float Score { get; set; }

            public bool PredictedLabel { get; set; }

            public float NormalizedScore { get; set; }

            public float[] Contributions { get; set; } = Array.Empty<float>();

            public int[] Top { get; set; } = Array.Empty<int>();

            public string[] TopNames { get; set; } = Array.Empty<string>();
        }
    }
}
