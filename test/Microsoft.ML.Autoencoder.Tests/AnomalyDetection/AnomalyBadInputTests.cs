using System;
using System.Linq;
using Microsoft.ML;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>Bad options and bad data give errors that name the option, the column or the row.</summary>
    public class AnomalyBadInputTests
    {
        private static readonly MLContext s_ml = new MLContext(seed: 1);

        private static AutoencoderAnomalyTrainer Create(Action<AutoencoderAnomalyTrainer.Options> change)
        {
            var options = new AutoencoderAnomalyTrainer.Options();
            change(options);
            return s_ml.AnomalyDetection.Trainers.Autoencoder(options);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-0.1)]
        [InlineData(0.6)]
        [InlineData(double.NaN)]
        public void Create_ContaminationOutsideRange_ThrowsNamingIt(double contamination)
            => Assert.Throws<ArgumentOutOfRangeException>("Contamination", () => Create(o => { o.ThresholdMethod = AnomalyThresholdMethod.Contamination; o.Contamination = contamination; }));

        [Theory]
        [InlineData(float.NaN)]
        [InlineData(float.PositiveInfinity)]
        public void Create_ExplicitThresholdNotFinite_ThrowsNamingIt(float threshold)
            => Assert.Throws<ArgumentOutOfRangeException>("ThresholdValue", () => Create(o => { o.ThresholdMethod = AnomalyThresholdMethod.Explicit; o.ThresholdValue = threshold; }));

        [Fact]
        public void Create_BadOptions_ThrowNamingThem()
        {
            Assert.Throws<ArgumentOutOfRangeException>("DeviationMultiplier", () => Create(o => o.DeviationMultiplier = 0));
            Assert.Throws<ArgumentOutOfRangeException>("TopContributorCount", () => Create(o => o.TopContributorCount = 0));
            Assert.Throws<ArgumentOutOfRangeException>("RobustTrainingFraction", () => Create(o => o.RobustTrainingFraction = 0.7));
            Assert.Throws<ArgumentException>("ScoreKind", () => Create(o => o.ScoreKind = AnomalyScoreKind.NegativeElbo));
            Assert.Throws<ArgumentException>("Standardize", () => Create(o => o.Autoencoder.OutputActivation = OutputActivation.Sigmoid));
            Assert.Throws<ArgumentException>("NormalizedScoreColumnName", () => Create(o => o.NormalizedScoreColumnName = "Score"));
            Assert.Throws<ArgumentException>("Autoencoder", () => Create(o => o.Autoencoder.NonFiniteInput = NonFiniteInputHandling.Propagate));
            Assert.Throws<ArgumentOutOfRangeException>("LearningRate", () => Create(o => o.Autoencoder.LearningRate = -1));
        }

        [Fact]
        public void Fit_TopContributorCountAboveFeatureCount_ThrowsNamingIt()
        {
            var trainer = Create(o => { o.TopContributorsColumnName = "Top"; o.TopContributorCount = AnomalyData.FeatureCount + 1; });
            var error = Assert.Throws<ArgumentOutOfRangeException>("TopContributorCount", () => trainer.Fit(AnomalyData.ToDataView(s_ml, AnomalyData.Rows(20, 0, seed: 1))));
            Assert.Contains("12 features", error.Message);
        }

        [Fact]
        public void Fit_TopContributorNamesWithoutSlotNames_ThrowsNamingTheOption()
        {
            var trainer = Create(o => o.TopContributorNamesColumnName = "Names");
            Assert.Throws<ArgumentException>("TopContributorNamesColumnName", () => trainer.Fit(AnomalyData.ToDataView(s_ml, AnomalyData.Rows(20, 0, seed: 1), slotNames: false)));
        }

        [Fact]
        public void Fit_NaNInTrainingData_ThrowsNamingRow()
        {
            var rows = AnomalyData.Rows(20, 0, seed: 1);
            rows[7].Features[1] = float.NaN;
            var error = Assert.Throws<InvalidOperationException>(() => Create(_ => { }).Fit(AnomalyData.ToDataView(s_ml, rows)));
            Assert.Contains("Row 7", error.Message);
            Assert.Contains("'Features'", error.Message);
        }

        [Fact]
        public void Fit_MissingFeatureColumn_ThrowsNamingIt()
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(o => o.FeatureColumnName = "Pixels").Fit(AnomalyData.ToDataView(s_ml, AnomalyData.Rows(20, 0, seed: 1))));
            Assert.Contains("'Pixels'", error.Message);
        }
    }
}
