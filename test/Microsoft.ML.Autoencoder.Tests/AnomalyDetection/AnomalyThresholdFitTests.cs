using System;
using System.Linq;
using Microsoft.ML.Autoencoder.AnomalyDetection;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>The threshold rules on score samples whose answer is known.</summary>
    public class AnomalyThresholdFitTests
    {
        /// <summary>Log-normal "normal" scores (median 1) and, when asked, a fraction of scores 20 times larger.</summary>
        private static float[] Scores(int normal, int anomalies, int seed)
        {
            var random = new Random(seed);
            double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Enumerable.Range(0, normal).Select(_ => (float)Math.Exp(0.3 * Gaussian()))
                .Concat(Enumerable.Range(0, anomalies).Select(_ => (float)(20 * Math.Exp(0.3 * Gaussian())))).ToArray();
        }

        [Fact]
        public void Quantile_Values_InterpolatesLinearlyAsNumPy()
        {
            // numpy.percentile([1, 2, 3, 4], 90) == 3.7
            Assert.Equal(3.7, AnomalyThresholdFit.Quantile(new double[] { 1, 2, 3, 4 }, 0.9), 12);
            Assert.Equal(1, AnomalyThresholdFit.Quantile(new double[] { 1, 2, 3, 4 }, 0), 12);
            Assert.Equal(4, AnomalyThresholdFit.Quantile(new double[] { 1, 2, 3, 4 }, 1), 12);
        }

        [Fact]
        public void Fit_Contamination_FlagsThatFraction()
        {
            var scores = Scores(1000, 0, seed: 1);
            var fit = AnomalyThresholdFit.Fit(AnomalyThresholdMethod.Contamination, scores, 0.1, 3, float.NaN);
            Assert.Equal(100, scores.Count(s => s > fit.Value));
        }

        [Theory]
        [InlineData(AnomalyThresholdMethod.MedianAbsoluteDeviation)]
        [InlineData(AnomalyThresholdMethod.Otsu)]
        [InlineData(AnomalyThresholdMethod.GaussianMixture)]
        public void Fit_TwoGroups_ThresholdFallsBetweenThem(AnomalyThresholdMethod method)
        {
            var scores = Scores(950, 50, seed: 2);
            var fit = AnomalyThresholdFit.Fit(method, scores, 0.1, 3, float.NaN);
            int flaggedNormal = scores.Take(950).Count(s => s > fit.Value);
            int flaggedAnomalies = scores.Skip(950).Count(s => s > fit.Value);
            Assert.True(flaggedAnomalies >= 49, $"{method}: {flaggedAnomalies} of 50 anomalies above {fit.Value}");
            Assert.True(flaggedNormal <= 10, $"{method}: {flaggedNormal} of 950 normal scores above {fit.Value}");
            Assert.Equal(method, fit.Method);
        }

        [Fact]
        public void Fit_MedianAbsoluteDeviation_NormalScoresOnly_FlagsAboutTheNormalTail()
        {
            // Without anomalies, median + 3 robust standard deviations of normal log scores flags about 0.135% of them.
            var scores = Scores(20000, 0, seed: 3);
            var fit = AnomalyThresholdFit.Fit(AnomalyThresholdMethod.MedianAbsoluteDeviation, scores, 0.1, 3, float.NaN);
            double flagged = scores.Count(s => s > fit.Value) / 20000.0;
            Assert.InRange(flagged, 0.0005, 0.003);
            Assert.Equal(3, fit.Parameter);
        }

        [Theory]
        [InlineData(AnomalyThresholdMethod.MedianAbsoluteDeviation)]
        [InlineData(AnomalyThresholdMethod.Otsu)]
        [InlineData(AnomalyThresholdMethod.GaussianMixture)]
        public void Fit_EqualOrZeroScores_GivesAFiniteThreshold(AnomalyThresholdMethod method)
        {
            Assert.True(float.IsFinite(AnomalyThresholdFit.Fit(method, Enumerable.Repeat(0.5f, 50).ToArray(), 0.1, 3, float.NaN).Value));
            Assert.True(float.IsFinite(AnomalyThresholdFit.Fit(method, Enumerable.Repeat(0f, 40).Concat(new[] { 1f, 2f }).ToArray(), 0.1, 3, float.NaN).Value));
        }
    }
}
