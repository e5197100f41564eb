using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Data;
using Xunit;
using static Microsoft.ML.Autoencoder.Tests.AnomalyDetection.AnomalyDetectorFixture;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>Fitting a threshold on data streams it through the shared streaming reader: no copy of the rows is held.</summary>
    public class StreamedThresholdTests
    {
        [Fact]
        public void WithThreshold_GeneratedSource_FitsTheThresholdOfTheSameRowsScoredAsAnArray()
        {
            var source = new GeneratedDataView(5000, Detector.FeatureCount);
            using var streamed = Detector.WithThreshold(source, AnomalyThresholdMethod.Contamination, contamination: 0.1);

            var rows = Enumerable.Range(0, 5000).SelectMany(i => source.Row(i)).ToArray();
            var scores = Detector.GetScores(rows).OrderBy(s => s).ToArray();
            // NumPy's linear interpolation between the two scores around the 0.9 quantile, as the threshold fit computes it.
            double position = 0.9 * (scores.Length - 1);
            int low = (int)Math.Floor(position);
            double expected = scores[low] + (position - low) * (scores[low + 1] - scores[low]);
            Assert.Equal((float)expected, streamed.Threshold);
            Assert.Equal(5000, source.RowsServed);
        }

        [Fact]
        public void WithThreshold_SourceWithNaN_NamesTheRowIndex()
        {
            var source = new GeneratedDataView(3000, Detector.FeatureCount) { NaNRow = 2500 };
            var error = Assert.Throws<InvalidOperationException>(() => Detector.WithThreshold(source, AnomalyThresholdMethod.Otsu));
            Assert.Contains("Row 2500 of column 'Features' in the data to fit the threshold on has a NaN value", error.Message);
        }
    }
}
