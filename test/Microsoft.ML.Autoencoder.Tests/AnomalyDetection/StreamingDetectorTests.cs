using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Data;
using Xunit;
using static Microsoft.ML.Autoencoder.Tests.AnomalyDetection.AnomalyDetectorFixture;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>
    /// The detector streams through the shared streaming reader: fitting a threshold on data, and training when the rows
    /// do not fit the budget (standardization, training, scores and robust training), with the in-memory results.
    /// </summary>
    public class StreamingDetectorTests
    {
        [Theory]
        [InlineData(0.0)]
        [InlineData(0.1)]
        public void Fit_Streaming_GivesTheInMemoryDetector(double robustTrainingFraction)
        {
            var ml = new MLContext(seed: 1);
            var data = AnomalyData.ToDataView(ml, Train);
            var inMemoryOptions = Options();
            inMemoryOptions.Autoencoder.MaximumNumberOfEpochs = 5;
            inMemoryOptions.Autoencoder.Shuffle = false;
            inMemoryOptions.RobustTrainingFraction = robustTrainingFraction;
            var streamingOptions = Options();
            streamingOptions.Autoencoder.MaximumNumberOfEpochs = 5;
            streamingOptions.Autoencoder.Shuffle = false;
            streamingOptions.RobustTrainingFraction = robustTrainingFraction;
            streamingOptions.Autoencoder.DataMode = TrainingDataMode.Auto;
            streamingOptions.Autoencoder.InMemoryBudgetBytes = 1000; // far less than the rows: Auto streams

            using var inMemory = ml.AnomalyDetection.Trainers.Autoencoder(inMemoryOptions).Fit(data);
            var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            using var streamed = ml.AnomalyDetection.Trainers.Autoencoder(streamingOptions).Fit(data);
            Assert.Contains(messages, m => m.Contains("Streaming the training rows", StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("Training data: streamed", StringComparison.Ordinal));

            // Without shuffling, the same statistics, batches and scores in the same order: the same detector to the last bit.
            var rows = AnomalyData.Flatten(Test);
            Assert.Equal(inMemory.Threshold, streamed.Threshold);
            Assert.Equal(inMemory.GetScores(rows), streamed.GetScores(rows));
        }

        [Fact]
        public void Fit_StreamingWithShuffle_DetectsAsWellAsInMemory()
        {
            var ml = new MLContext(seed: 1);
            var data = AnomalyData.ToDataView(ml, Train);
            var options = Options();
            options.Autoencoder.DataMode = TrainingDataMode.Streaming;
            using var streamed = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(data);

            var scored = Score(streamed, Test);
            var expected = Score(Detector, Test);
            // Another row order gives another autoencoder: equivalent quality is a test-set AUC within 0.03 of the in-memory one.
            double streamedAuc = AnomalyData.Auc(scored.Select(r => r.Score).ToList(), scored.Select(r => r.Label).ToList());
            double inMemoryAuc = AnomalyData.Auc(expected.Select(r => r.Score).ToList(), expected.Select(r => r.Label).ToList());
            Assert.InRange(streamedAuc, inMemoryAuc - 0.03, 1.0);
        }

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
