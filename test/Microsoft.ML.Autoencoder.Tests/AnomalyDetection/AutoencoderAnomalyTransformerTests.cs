using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static Microsoft.ML.Autoencoder.Tests.AnomalyDetection.AnomalyDetectorFixture;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>The trained detector as an ML.NET transformer: persistence, thresholds after training, engines, pipelines, variants.</summary>
    public class AutoencoderAnomalyTransformerTests
    {
        private sealed class Input
        {
            [VectorType(AnomalyData.FeatureCount)]
            public float[] Features { get; set; } = Array.Empty<float>();
        }

        private sealed class Prediction
        {
            public float Score { get; set; }

            public bool PredictedLabel { get; set; }
        }

        [Fact]
        public void SaveLoad_Detector_GivesIdenticalOutputsAndSettings()
        {
            var ml = new MLContext(seed: 1);
            var data = AnomalyData.ToDataView(ml, Train);
            using var stream = new MemoryStream();
            ml.Model.Save(Detector, data.Schema, stream);
            stream.Position = 0;
            var loaded = (AutoencoderAnomalyTransformer)ml.Model.Load(stream, out _);
            try
            {
                Assert.Equal(Detector.Threshold, loaded.Threshold);
                Assert.Equal(Detector.ThresholdMethod, loaded.ThresholdMethod);
                Assert.Equal(Detector.ThresholdDescription, loaded.ThresholdDescription);
                Assert.Equal(Detector.FeatureMeans, loaded.FeatureMeans);
                Assert.Equal(Detector.FeatureScales, loaded.FeatureScales);
                Assert.Equal(Detector.FeatureNames, loaded.FeatureNames);
                Assert.Equal(Detector.TopContributorCount, loaded.TopContributorCount);
                var before = Score(Detector, Test);
                var after = Score(loaded, Test);
                Assert.Equal(before.Select(r => r.Score), after.Select(r => r.Score));
                Assert.Equal(before.Select(r => r.PredictedLabel), after.Select(r => r.PredictedLabel));
                Assert.Equal(before.Select(r => r.NormalizedScore), after.Select(r => r.NormalizedScore));
                Assert.Equal(before.SelectMany(r => r.TopNames), after.SelectMany(r => r.TopNames));
            }
            finally
            {
                loaded.Dispose();
            }
        }

        [Fact]
        public void WithThreshold_NewThreshold_FlagsAboveItAndSurvivesSaveLoad()
        {
            var ml = new MLContext(seed: 1);
            var scores = Detector.GetScores(AnomalyData.Flatten(Test));
            float median = scores.OrderBy(s => s).ElementAt(scores.Length / 2);
            using var lowered = Detector.WithThreshold(median);
            Assert.Equal(AnomalyThresholdMethod.Explicit, lowered.ThresholdMethod);
            var scored = Score(lowered, Test);
            Assert.All(scored, r => Assert.Equal(r.Score > median, r.PredictedLabel));
            Assert.Equal(scores.Length / 2 - 1, scored.Count(r => r.PredictedLabel), 2.0);

            using var stream = new MemoryStream();
            ml.Model.Save(lowered, AnomalyData.ToDataView(ml, Train).Schema, stream);
            stream.Position = 0;
            using var loaded = (AutoencoderAnomalyTransformer)ml.Model.Load(stream, out _);
            Assert.Equal(median, loaded.Threshold);
            // The original keeps its own threshold.
            Assert.NotEqual(median, Detector.Threshold);
        }

        [Fact]
        public void WithThreshold_DisposedCopy_LeavesOriginalWorking()
        {
            var copy = Detector.WithThreshold(1f);
            copy.Dispose();
            Assert.Equal(Test.Count, Detector.GetScores(AnomalyData.Flatten(Test)).Length);
            Assert.Throws<ArgumentOutOfRangeException>("threshold", () => Detector.WithThreshold(float.NaN));
        }

        [Fact]
        public void PredictionEngine_OnePerThread_MatchesTransform()
        {
            var ml = new MLContext(seed: 1);
            var expected = Score(Detector, Test.Take(100));
            var results = new Prediction[4][];
            Parallel.For(0, 4, t =>
            {
                using var engine = ml.Model.CreatePredictionEngine<Input, Prediction>(Detector, new PredictionEngineOptions { OwnsTransformer = false });
                results[t] = Test.Take(100).Select(row => engine.Predict(new Input { Features = row.Features })).ToArray();
            });
            foreach (var result in results)
            {
                NumericAssert.Close(expected.Select(r => r.Score).ToArray(), result.Select(p => p.Score).ToArray());
                Assert.Equal(expected.Count(r => r.PredictedLabel), result.Count(p => p.PredictedLabel));
            }
        }

        [Fact]
        public void Transform_NaNAtScoring_ThrowsNamingRowAndColumn()
        {
            var ml = new MLContext(seed: 1);
            var rows = Test.Take(10).Select(r => new AnomalyData.Row { Features = (float[])r.Features.Clone(), Label = r.Label }).ToList();
            rows[3].Features[2] = float.NaN;
            var scored = Detector.Transform(AnomalyData.ToDataView(ml, rows));
            var error = Assert.Throws<InvalidOperationException>(() => scored.GetColumn<float>("Score").ToList());
            Assert.Contains("Row 3", error.Message);
            Assert.Contains("'Features'", error.Message);
            Assert.Contains("NaN", error.Message);
            var arrayError = Assert.Throws<ArgumentException>("rows", () => Detector.GetScores(AnomalyData.Flatten(rows)));
            Assert.Contains("Row 3", arrayError.Message);
        }

        [Fact]
        public void Evaluate_BooleanLabel_ThrowsNamingTheLabelColumn()
        {
            var ml = new MLContext(seed: 1);
            var scored = Detector.Transform(AnomalyData.ToDataView(ml, Test));
            // PredictedLabel is Boolean; ML.NET's evaluator wants a Single or a two-value key label.
            var error = Assert.ThrowsAny<ArgumentException>(() => ml.AnomalyDetection.Evaluate(scored, labelColumnName: "PredictedLabel"));
            Assert.Contains("PredictedLabel", error.Message);
        }

        [Fact]
        public void GetScores_Rows_MatchTheScoreColumn()
        {
            var fromColumn = Score(Detector, Test).Select(r => r.Score).ToArray();
            var fromArray = Detector.GetScores(Test.Select(r => r.Features).ToArray());
            NumericAssert.Close(fromColumn, fromArray);
        }

        [Fact]
        public void Pipeline_ConcatenateThenDetector_SavesAndLoads()
        {
            var ml = new MLContext(seed: 1);
            var data = AnomalyData.ToDataView(ml, Train);
            var options = Options();
            options.FeatureColumnName = "Joined";
            options.FeatureContributionsColumnName = options.TopContributorsColumnName = options.TopContributorNamesColumnName = options.NormalizedScoreColumnName = null;
            options.Autoencoder.MaximumNumberOfEpochs = 3;
            var pipeline = ml.Transforms.Concatenate("Joined", "Features").Append(ml.AnomalyDetection.Trainers.Autoencoder(options));
            var model = pipeline.Fit(data);
            var before = model.Transform(data).GetColumn<float>("Score").ToArray();
            using var stream = new MemoryStream();
            ml.Model.Save(model, data.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out _);
            Assert.Equal(before, loaded.Transform(data).GetColumn<float>("Score").ToArray());
            (loaded as IDisposable)?.Dispose();
            (model as IDisposable)?.Dispose();
        }

        [Theory]
        [InlineData(AnomalyScoreKind.NegativeElbo)]
        [InlineData(AnomalyScoreKind.ReconstructionProbability)]
        public void Fit_VariationalScore_RanksOutliersHighAndIsDeterministic(AnomalyScoreKind kind)
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            options.ScoreKind = kind;
            options.Autoencoder.Variational = new VariationalOptions { Beta = 0.1f };
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(AnomalyData.ToDataView(ml, Train));
            Assert.Equal(kind, detector.ScoreKind);
            var scored = Score(detector, Test);
            double auc = AnomalyData.Auc(scored.Select(r => r.Score).ToArray(), scored.Select(r => r.Label).ToArray());
            Assert.True(auc > 0.95, $"AUC {auc}");
            Assert.Equal(scored.Select(r => r.Score), Score(detector, Test).Select(r => r.Score));

            using var stream = new MemoryStream();
            ml.Model.Save(detector, AnomalyData.ToDataView(ml, Train).Schema, stream);
            stream.Position = 0;
            using var loaded = (AutoencoderAnomalyTransformer)ml.Model.Load(stream, out _);
            Assert.Equal(scored.Select(r => r.Score), Score(loaded, Test).Select(r => r.Score));
        }

        [Fact]
        public void Fit_RobustTraining_TrainsTwiceAndStillRanksOutliers()
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            options.RobustTrainingFraction = 0.05;
            options.Autoencoder.MaximumNumberOfEpochs = 10;
            var log = new System.Collections.Generic.List<string>();
            ml.Log += (_, e) => { if (e.Message.Contains("Robust training")) lock (log) log.Add(e.Message); };
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(AnomalyData.ToDataView(ml, Train));
            Assert.Contains(log, m => m.Contains("570 training rows with the lowest scores"));
            var scored = Score(detector, Test);
            Assert.True(AnomalyData.Auc(scored.Select(r => r.Score).ToArray(), scored.Select(r => r.Label).ToArray()) > 0.98);
        }
    }
}
