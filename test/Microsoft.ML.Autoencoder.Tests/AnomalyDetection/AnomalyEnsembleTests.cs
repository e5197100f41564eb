using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Xunit;
using static Microsoft.ML.Autoencoder.Tests.AnomalyDetection.AnomalyDetectorFixture;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>The detector's ensemble (<see cref="AutoencoderAnomalyTrainer.Options.EnsembleSize"/>): its score, its members' seeds, persistence, old files.</summary>
    public class AnomalyEnsembleTests
    {
        private static AutoencoderAnomalyTrainer.Options SmallOptions(int ensembleSize, int seed)
        {
            var options = new AutoencoderAnomalyTrainer.Options
            {
                EnsembleSize = ensembleSize,
                RobustTrainingFraction = 0, // members independent of each other: each is the single detector of its seed
                ThresholdMethod = AnomalyThresholdMethod.Contamination,
                Contamination = Contamination,
            };
            options.Autoencoder.MaximumNumberOfEpochs = 15;
            options.Autoencoder.Seed = seed;
            return options;
        }

        private static float[] TestRows => Test.SelectMany(r => r.Features).ToArray();

        [Fact]
        public void Fit_Ensemble_ScoresEachRowByTheMeanOfItsMembersScores()
        {
            var ml = new MLContext(seed: 1);
            var train = AnomalyData.ToDataView(ml, Train);
            using var ensemble = ml.AnomalyDetection.Trainers.Autoencoder(SmallOptions(3, seed: 11)).Fit(train);
            Assert.Equal(3, ensemble.EnsembleSize);
            Assert.Equal(3, ensemble.TrainingHistories.Count);
            float[] scores = ensemble.GetScores(TestRows);

            var memberScores = new float[3][];
            for (int m = 0; m < 3; m++)
            {
                using var single = ml.AnomalyDetection.Trainers.Autoencoder(SmallOptions(1, seed: 11 + m)).Fit(train);
                Assert.Equal(1, single.EnsembleSize);
                Assert.Equal(single.TrainingHistory.Select(e => e.TrainingLoss), ensemble.TrainingHistories[m].Select(e => e.TrainingLoss));
                memberScores[m] = single.GetScores(TestRows);
            }
            var mean = Enumerable.Range(0, scores.Length).Select(i => (float)((memberScores[0][i] + (double)memberScores[1][i] + memberScores[2][i]) / 3)).ToArray();
            NumericAssert.Close(mean, scores);
            // The members differ (their seeds do), so the mean is not any one of them.
            Assert.NotEqual(memberScores[0], memberScores[1]);
        }

        [Fact]
        public void Transform_EnsembleWithExplanation_ScoreIsTheMeanOfTheAveragedSquaredErrors()
        {
            // The explanation path averages each feature's squared error over the members; the plain path averages the
            // members' own row errors. Both give the same score.
            var scored = Score(Detector, Test);
            Assert.Equal(3, Detector.EnsembleSize);
            float[] plain = Detector.GetScores(TestRows);
            NumericAssert.Close(plain, scored.Select(r => r.Score).ToArray());
            foreach (var row in scored)
                Assert.InRange(row.Contributions.Sum(c => (double)c), 1 - 1e-4, 1 + 1e-4);
        }

        [Fact]
        public void SaveLoad_Ensemble_KeepsEveryMember()
        {
            var ml = new MLContext(seed: 1);
            var train = AnomalyData.ToDataView(ml, Train);
            using var ensemble = ml.AnomalyDetection.Trainers.Autoencoder(SmallOptions(2, seed: 5)).Fit(train);
            using var stream = new MemoryStream();
            ml.Model.Save(ensemble, train.Schema, stream);
            stream.Position = 0;
            using var loaded = (AutoencoderAnomalyTransformer)ml.Model.Load(stream, out _);
            Assert.Equal(2, loaded.EnsembleSize);
            Assert.Equal(ensemble.Threshold, loaded.Threshold);
            Assert.Equal(ensemble.GetScores(TestRows), loaded.GetScores(TestRows));
        }

        [Fact]
        public void Load_DetectorOfTheInitialFormat_ScoresWithItsOneAutoencoder()
        {
            // Saved by the library before ensembles (format 0x00010001, commit c16b740): 10 epochs, seed 3, contamination
            // 0.05, robust training off; trained on AnomalyData.Rows(190, 10, seed: 1, randomFeature: true). The scores of
            // AnomalyData.Rows(19, 1, seed: 2) were recorded on the CPU that saved it (AMD EPYC): libtorch's kernels differ
            // in the last bits from CPU to CPU, so they are compared with a tolerance; the threshold is read back exactly.
            var assembly = typeof(AnomalyEnsembleTests).Assembly;
            var ml = new MLContext(seed: 1);
            using var model = assembly.GetManifestResourceStream("anomaly-detector-format-0x00010001.zip")!;
            using var loaded = (AutoencoderAnomalyTransformer)ml.Model.Load(model, out _);
            Assert.Equal(1, loaded.EnsembleSize);
            using var text = new StreamReader(assembly.GetManifestResourceStream("anomaly-detector-format-0x00010001.scores.txt")!);
            var recorded = text.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => BitConverter.Int32BitsToSingle(Convert.ToInt32(line.Split(' ')[0], 16))).ToArray();
            Assert.Equal(BitConverter.Int32BitsToSingle(RecordedThresholdBits), loaded.Threshold);
            float[] scores = loaded.GetScores(AnomalyData.Rows(19, 1, seed: 2).SelectMany(r => r.Features).ToArray());
            NumericAssert.Close(recorded, scores);
        }

        /// <summary>The recorded detector's threshold, as saved (read back exactly).</summary>
        private const int RecordedThresholdBits = 0x4022051B;

        [Theory]
        [InlineData(0)]
        [InlineData(17)]
        public void Options_EnsembleSizeOutOfRange_ThrowsNamingTheOption(int size)
        {
            var ml = new MLContext(seed: 1);
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyTrainer.Options { EnsembleSize = size }));
            Assert.Equal(nameof(AutoencoderAnomalyTrainer.Options.EnsembleSize), ex.ParamName);
        }
    }
}
