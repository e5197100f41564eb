using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests
{
    public class AutoencoderEstimatorTests
    {
        private static AutoencoderEstimator.Options SmallOptions() => new AutoencoderEstimator.Options
        {
            LatentDimension = 3,
            Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 } },
            MaximumNumberOfEpochs = 5,
            BatchSize = 32,
            LearningRate = 1e-2f,
            Seed = 1,
        };

        [Fact]
        public void Fit_LowRankData_LossFallsAndHistoryRecordsEachEpoch()
        {
            var ml = new MLContext(seed: 1);
            var options = SmallOptions();
            options.MaximumNumberOfEpochs = 15;
            options.Patience = 100;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml));

            Assert.Equal(15, model.TrainingHistory.Count);
            Assert.Equal(Enumerable.Range(1, 15), model.TrainingHistory.Select(h => h.Epoch));
            Assert.All(model.TrainingHistory, h => Assert.True(h.Seconds >= 0 && double.IsFinite(h.TrainingLoss)));
            Assert.True(model.TrainingHistory[^1].TrainingLoss < 0.5 * model.TrainingHistory[0].TrainingLoss,
                $"loss went from {model.TrainingHistory[0].TrainingLoss} to {model.TrainingHistory[^1].TrainingLoss}");
        }

        [Fact]
        public void Fit_SameSeedTwice_GivesBitIdenticalModels()
        {
            var data = SyntheticData.LowRankRows(200, 20, 3, seed: 3);
            float[] Train()
            {
                var ml = new MLContext(seed: 5);
                var options = SmallOptions();
                options.Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 }, Dropout = 0.1f };
                using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.ToDataView(ml, data, 20));
                return model.Encode(SyntheticData.Flatten(data)).Concat(model.TrainingHistory.Select(h => (float)h.TrainingLoss)).ToArray();
            }

            Assert.Equal(Train(), Train());
        }

        [Fact]
        public void Fit_DifferentSeeds_GiveDifferentModels()
        {
            var data = SyntheticData.LowRankRows(100, 20, 3, seed: 3);
            float[] Train(int seed)
            {
                var ml = new MLContext(seed: 5);
                var options = SmallOptions();
                options.Seed = seed;
                options.MaximumNumberOfEpochs = 1;
                using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.ToDataView(ml, data, 20));
                return model.Encode(SyntheticData.Flatten(data));
            }

            Assert.NotEqual(Train(1), Train(2));
        }

        [Fact]
        public void Fit_ConvergedTraining_StopsBeforeEpochLimit()
        {
            var ml = new MLContext(seed: 1);
            var options = SmallOptions();
            options.MaximumNumberOfEpochs = 200;
            options.ConvergenceTolerance = 0.05;
            options.Patience = 2;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml));

            Assert.True(model.TrainingHistory.Count < 200);
            var last = model.TrainingHistory.TakeLast(3).Select(h => h.TrainingLoss).ToArray();
            Assert.True(last[1] > last[0] * 0.95 && last[2] > last[0] * 0.95, string.Join(", ", last));
        }

        [Fact]
        public void Fit_EarlyStoppingOff_RunsEveryEpochOfAConvergedTraining()
        {
            var ml = new MLContext(seed: 1);
            var options = SmallOptions();
            options.MaximumNumberOfEpochs = 40;
            options.ConvergenceTolerance = 0.05;
            options.Patience = 2;
            options.EarlyStopping = false;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml));

            // The same settings stop well before 40 epochs with early stopping (the test above).
            Assert.Equal(Enumerable.Range(1, 40), model.TrainingHistory.Select(h => h.Epoch));
        }

        [Fact]
        public void Fit_WithValidationFraction_ReportsValidationLossEveryEpoch()
        {
            var ml = new MLContext(seed: 1);
            var options = SmallOptions();
            options.ValidationFraction = 0.25f;
            options.MaximumNumberOfEpochs = 4;
            options.Patience = 10;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml));

            Assert.Equal(4, model.TrainingHistory.Count);
            Assert.All(model.TrainingHistory, h => Assert.True(h.ValidationLoss > 0));
            Assert.True(model.TrainingHistory[^1].ValidationLoss < model.TrainingHistory[0].ValidationLoss);
        }

        [Fact]
        public void Fit_WithValidationData_RestoresWeightsOfBestEpoch()
        {
            var ml = new MLContext(seed: 1);
            var validationRows = SyntheticData.LowRankRows(100, 20, 3, seed: 8);
            var options = SmallOptions();
            options.ValidationData = SyntheticData.ToDataView(ml, validationRows, 20);
            options.MaximumNumberOfEpochs = 10;
            options.LearningRate = 0.08f;
            options.Optimizer = OptimizerKind.Sgd;
            options.Patience = 10;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml));

            double best = model.TrainingHistory.Min(h => h.ValidationLoss!.Value);
            double measured = model.GetReconstructionErrors(SyntheticData.Flatten(validationRows)).Average(e => (double)e);
            Assert.Equal(best, measured, 4);
        }

        [Fact]
        public void Fit_CancelledContext_ThrowsOperationCanceled()
        {
            var ml = new MLContext(seed: 1);
            var options = SmallOptions();
            var estimator = ml.Transforms.Autoencoder(options);
            var data = SyntheticData.LowRank(ml);
            // MLContext.CancelExecution() is public through Microsoft.ML.Experimental, which the feed here
            // does not serve; call the same internal method.
            typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(ml, null);

            Assert.Throws<OperationCanceledException>(() => estimator.Fit(data));
        }

        [Fact]
        public void Fit_EachEpoch_IsLoggedToMLContextLog()
        {
            var ml = new MLContext(seed: 1);
            var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            var options = SmallOptions();
            options.MaximumNumberOfEpochs = 3;
            options.Patience = 10;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml));

            for (int epoch = 1; epoch <= 3; epoch++)
                Assert.Contains(messages, m => m.Contains($"epoch {epoch}: training loss"));
        }

        [Theory]
        [InlineData(OptimizerKind.Adam, LearningRateSchedule.Constant, ReconstructionLoss.MeanSquaredError, ActivationFunction.ReLU)]
        [InlineData(OptimizerKind.AdamW, LearningRateSchedule.Cosine, ReconstructionLoss.BinaryCrossEntropy, ActivationFunction.GELU)]
        [InlineData(OptimizerKind.Sgd, LearningRateSchedule.StepDecay, ReconstructionLoss.L1, ActivationFunction.Tanh)]
        [InlineData(OptimizerKind.Adam, LearningRateSchedule.Constant, ReconstructionLoss.MeanSquaredError, ActivationFunction.LeakyReLU)]
        public void Fit_EachOptimizerLossAndActivation_LossFalls(OptimizerKind optimizer, LearningRateSchedule schedule, ReconstructionLoss loss, ActivationFunction activation)
        {
            var ml = new MLContext(seed: 1);
            var options = SmallOptions();
            options.Optimizer = optimizer;
            options.LearningRateSchedule = schedule;
            options.LearningRateDecayEpochs = 3;
            options.Loss = loss;
            options.LearningRate = optimizer == OptimizerKind.Sgd ? 0.5f : 1e-2f;
            options.Nesterov = optimizer == OptimizerKind.Sgd;
            options.Architecture = new DenseArchitecture { HiddenSizes = new[] { 16, 8 }, Activation = activation, BatchNormalization = true, Dropout = 0.05f };
            options.MaximumNumberOfEpochs = 8;
            options.Patience = 100;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml));

            Assert.True(model.TrainingHistory[^1].TrainingLoss < model.TrainingHistory[0].TrainingLoss);
            if (schedule == LearningRateSchedule.StepDecay)
                Assert.Equal(options.LearningRate * 0.1, model.TrainingHistory[3].LearningRate, 6);
        }
    }
}
