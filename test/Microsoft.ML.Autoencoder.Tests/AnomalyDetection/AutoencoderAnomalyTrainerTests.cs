using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static Microsoft.ML.Autoencoder.Tests.AnomalyDetection.AnomalyDetectorFixture;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>The detector on seeded data with injected outliers: ranking, thresholds, explanation, ML.NET's evaluation.</summary>
    public class AutoencoderAnomalyTrainerTests
    {
        [Fact]
        public void Fit_InjectedOutliers_RanksThemAboveNormalRows()
        {
            var scored = Score(Detector, Test);
            double auc = AnomalyData.Auc(scored.Select(r => r.Score).ToArray(), scored.Select(r => r.Label).ToArray());
            Assert.True(auc > 0.98, $"AUC {auc}");
        }

        [Fact]
        public void Evaluate_DetectorOutput_ReportsAucAndDetectionRate()
        {
            var ml = new MLContext(seed: 1);
            var metrics = ml.AnomalyDetection.Evaluate(Detector.Transform(AnomalyData.ToDataView(ml, Test)), falsePositiveCount: 10);
            Assert.True(metrics.AreaUnderRocCurve > 0.98, $"AUC {metrics.AreaUnderRocCurve}");
            Assert.True(metrics.DetectionRateAtFalsePositiveCount > 0.8, $"detection rate {metrics.DetectionRateAtFalsePositiveCount}");
        }

        [Fact]
        public void Fit_Contamination_FlagsThatFractionOfTrainingAndNewRows()
        {
            var training = Score(Detector, Train);
            double trainingFlagged = training.Count(r => r.PredictedLabel) / (double)training.Count;
            Assert.InRange(trainingFlagged, Contamination - 0.005, Contamination + 0.005);
            // New rows from the same distribution (with the same 5% of outliers) are flagged at about the same rate.
            var test = Score(Detector, Test);
            double testFlagged = test.Count(r => r.PredictedLabel) / (double)test.Count;
            Assert.InRange(testFlagged, Contamination - 0.02, Contamination + 0.02);
            Assert.Equal(AnomalyThresholdMethod.Contamination, Detector.ThresholdMethod);
            Assert.Contains("0.95 quantile of the 600 training scores", Detector.ThresholdDescription);
        }

        [Fact]
        public void Transform_Outlier_NamesInjectedFeatureFirst()
        {
            var outliers = Score(Detector, Test).Where(r => r.Label > 0).ToList();
            int namedFirst = outliers.Count(r => r.Top[0] == AnomalyData.InjectedFeature);
            Assert.True(namedFirst >= 0.95 * outliers.Count, $"{namedFirst} of {outliers.Count}");
            Assert.All(outliers, r => Assert.Equal(AnomalyData.FeatureNames[r.Top[0]], r.TopNames[0]));
            Assert.All(outliers, r => Assert.Equal(1.0, r.Contributions.Sum(), 3));
            // The top contributors are ordered by share, and the share of the injected feature dominates.
            Assert.All(outliers, r => Assert.True(r.Contributions[r.Top[0]] >= r.Contributions[r.Top[1]] && r.Contributions[r.Top[1]] >= r.Contributions[r.Top[2]]));
            Assert.True(outliers.Average(r => r.Contributions[AnomalyData.InjectedFeature]) > 0.5);
        }

        [Fact]
        public void Transform_NormalizedScore_IsInUnitIntervalAndMonotone()
        {
            var scored = Score(Detector, Test).OrderBy(r => r.Score).ToList();
            Assert.All(scored, r => Assert.InRange(r.NormalizedScore, 0f, 1f));
            for (int i = 1; i < scored.Count; i++)
                Assert.True(scored[i].NormalizedScore >= scored[i - 1].NormalizedScore);
            Assert.Equal(1f, Score(Detector, Train).Max(r => r.NormalizedScore));
        }

        [Fact]
        public void Fit_ConstantFeature_IsCentredOnlyAndScoresAreFinite()
        {
            Assert.True(Detector.IsStandardized);
            Assert.Equal(1f, Detector.FeatureScales[AnomalyData.FeatureCount - 1]);
            Assert.Equal(AnomalyData.ConstantValue, Detector.FeatureMeans[AnomalyData.FeatureCount - 1]);
            Assert.All(Score(Detector, Test), r => Assert.True(float.IsFinite(r.Score) && r.Contributions.All(float.IsFinite)));
        }

        [Theory]
        [InlineData(AnomalyThresholdMethod.MedianAbsoluteDeviation)]
        [InlineData(AnomalyThresholdMethod.Otsu)]
        [InlineData(AnomalyThresholdMethod.GaussianMixture)]
        public void Fit_AutomaticThreshold_SeparatesWellSeparatedOutliersWithoutContamination(AnomalyThresholdMethod method)
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            options.ThresholdMethod = method;
            options.Contamination = 0.5; // not used by the automatic rules
            // The same seed and data as the shared detector: the same scores, another threshold.
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(AnomalyData.ToDataView(ml, Train));
            Assert.Equal(method, detector.ThresholdMethod);
            Assert.StartsWith("automatic", detector.ThresholdDescription);
            var scored = Score(detector, Test);
            int truePositives = scored.Count(r => r.PredictedLabel && r.Label > 0);
            int falsePositives = scored.Count(r => r.PredictedLabel && r.Label == 0);
            Assert.True(truePositives >= 0.9 * 50, $"{truePositives} of 50 outliers flagged, threshold {detector.Threshold}: {detector.ThresholdDescription}");
            Assert.True(falsePositives <= 0.05 * 950, $"{falsePositives} of 950 normal rows flagged, threshold {detector.Threshold}: {detector.ThresholdDescription}");
        }

        [Fact]
        public void GetOutputSchema_Estimator_PromisesTheProducedColumns()
        {
            var ml = new MLContext(seed: 1);
            var data = AnomalyData.ToDataView(ml, Train);
            var promised = ml.AnomalyDetection.Trainers.Autoencoder(Options()).GetOutputSchema(Microsoft.ML.Autoencoder.Interop.MLNetInternals.CreateShape(data.Schema));
            var produced = Detector.Transform(data).Schema;
            foreach (var column in produced)
            {
                var promisedColumn = Assert.Single(promised, c => c.Name == column.Name);
                Assert.Equal(column.Type is VectorDataViewType vector ? vector.ItemType : column.Type, promisedColumn.ItemType);
            }
            Assert.Equal(produced.Count, promised.Count());
            Assert.Equal(BooleanDataViewType.Instance, produced["PredictedLabel"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Int32, 3), produced["Top"].Type);
            Assert.True(produced["Contributions"].HasSlotNames());
        }

        [Fact]
        public void Fit_SameSeed_GivesIdenticalScores()
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            options.FeatureContributionsColumnName = options.TopContributorsColumnName = options.TopContributorNamesColumnName = options.NormalizedScoreColumnName = null;
            using var again = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(AnomalyData.ToDataView(ml, Train));
            var rows = AnomalyData.Flatten(Test);
            Assert.Equal(Detector.GetScores(rows), again.GetScores(rows));
            Assert.Equal(Detector.Threshold, again.Threshold);
        }
    }
}
