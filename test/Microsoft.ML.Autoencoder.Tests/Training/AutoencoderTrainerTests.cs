using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.ML.Autoencoder.Tests.Architectures;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>
    /// The training loop never returns a silently broken model: batch normalization never trains on a lone row,
    /// divergence with a finite loss and non-finite statistics or validation losses are errors, cancellation is
    /// honoured to the end, and nothing native outlives a Fit and Dispose.
    /// </summary>
    public class AutoencoderTrainerTests
    {
        private static AutoencoderEstimator.Options Options(AutoencoderArchitecture architecture, int latent = 3) => new AutoencoderEstimator.Options
        {
            LatentDimension = latent,
            Architecture = architecture,
            MaximumNumberOfEpochs = 3,
            Patience = 10,
            BatchSize = 256,
            LearningRate = 1e-2f,
            Seed = 1,
        };

        private static void Cancel(MLContext ml)
            // MLContext.CancelExecution() is public through Microsoft.ML.Experimental, which the feed here does not
            // serve; call the same internal method.
            => typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(ml, null);

        public static TheoryData<string, AutoencoderArchitecture, int, int, float> OneRowLastBatch => new TheoryData<string, AutoencoderArchitecture, int, int, float>
        {
            // 257 rows in batches of 256.
            { "dense", new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true }, 20, 257, 0f },
            // 41 rows, 8 of them held out for validation: 33 training rows in batches of 32.
            { "dense after a validation split", new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true }, 20, 41, 0.2f },
            // 2 x 2 images: the stride-2 convolution's output is 1 x 1, one value per channel for a one-row batch.
            { "convolutional", new ConvolutionalArchitecture { Channels = 1, Height = 2, Width = 2, FilterCounts = new[] { 4 }, BatchNormalization = true }, 4, 257, 0f },
        };

        [Theory]
        [MemberData(nameof(OneRowLastBatch))]
        public void Fit_BatchNormalizationAndOneRowLeftForTheLastBatch_OutputsAreFiniteAndTheMergeIsLoggedOnce(string name, AutoencoderArchitecture architecture, int size, int rows, float validationFraction)
        {
            var ml = new MLContext(seed: 1);
            var messages = new ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            var data = ShapedData.Uniform(rows, size, seed: 3);
            var options = Options(architecture, latent: 2);
            options.ValidationFraction = validationFraction;
            if (validationFraction > 0)
                options.BatchSize = 32;
            using var model = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, data, size));

            var flat = SyntheticData.Flatten(data);
            Assert.True(model.Encode(flat).All(float.IsFinite), $"{name}: a latent code is not finite");
            Assert.True(model.Reconstruct(flat).All(float.IsFinite), $"{name}: a reconstruction is not finite");
            Assert.All(model.TrainingHistory, h => Assert.True(h.ValidationLoss is null || double.IsFinite(h.ValidationLoss.Value), $"{name}: {h}"));
            Assert.Single(messages, m => m.Contains("trained with the batch before"));
        }

        [Fact]
        public void Fit_BatchNormalizationWithBatchSizeOne_ThrowsNamingBatchSize()
        {
            var ml = new MLContext(seed: 1);
            var options = Options(new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true });
            options.BatchSize = 1;

            var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml, rows: 20)));
            Assert.Equal(nameof(AutoencoderEstimator.Options.BatchSize), error.ParamName);
            Assert.Contains("batch normalization", error.Message);
        }

        [Fact]
        public void Fit_BatchNormalizationWithOneTrainingRow_ThrowsSayingSo()
        {
            var ml = new MLContext(seed: 1);
            var options = Options(new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true });

            var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml, rows: 1)));
            Assert.Contains("1 row", error.Message);
            Assert.Contains("batch normalization", error.Message);
        }

        [Fact]
        public void Fit_SigmoidOutputAtLearningRate1e6_ThrowsDivergedSuggestingLowerRate()
        {
            // Before: Fit returned after 4 epochs with a loss of 0.34 against 0.15 in epoch 1 and codes up to 2e15.
            var ml = new MLContext(seed: 1);
            var options = Options(new DenseArchitecture());
            options.LearningRate = 1e6f;
            options.MaximumNumberOfEpochs = 10;
            options.Patience = 3;

            var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml)));
            Assert.Contains("diverged", error.Message);
            Assert.Contains("Lower the learning rate", error.Message);
        }

        [Fact]
        public void Fit_BatchNormalizationStatisticsOverflow_ThrowsNamingTheBufferAndEpoch()
        {
            // Adam at 1e6 with batch normalization: the training loss stays near 0.16 while a running variance overflows.
            var ml = new MLContext(seed: 1);
            var options = Options(new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true });
            options.LearningRate = 1e6f;

            var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml)));
            Assert.Contains("after epoch 1", error.Message);
            Assert.Contains("running_var", error.Message);
            Assert.Contains("Lower the learning rate", error.Message);
        }

        [Fact]
        public void Fit_ValidationLossNotFinite_ThrowsNamingTheEpoch()
        {
            // Finite validation values whose squared errors overflow a float.
            var ml = new MLContext(seed: 1);
            var options = Options(new DenseArchitecture { HiddenSizes = new[] { 16 } });
            options.OutputActivation = OutputActivation.Identity;
            options.ValidationData = SyntheticData.ToDataView(ml, SyntheticData.LowRankRows(50, 20, 3, seed: 8).Select(r => r.Select(v => v * 1e20f).ToArray()), 20);

            var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml)));
            Assert.Contains("validation loss of epoch 1", error.Message);
        }

        [Fact]
        public void Fit_CancelledFromAnotherThreadDuringTheLastEpoch_ThrowsAndFreesEveryTensor()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.LowRank(ml);
            var options = Options(new DenseArchitecture { HiddenSizes = new[] { 16 } });
            options.BatchSize = 32;
            using var cancelRequested = new ManualResetEventSlim();
            using var cancelled = new ManualResetEventSlim();
            var canceller = new Thread(() =>
            {
                cancelRequested.Wait();
                Cancel(ml);
                cancelled.Set();
            });
            canceller.Start();
            // The log is written on the training thread: the last epoch waits here until the other thread has cancelled.
            ml.Log += (_, e) =>
            {
                if (e.Message.Contains("epoch 3: training loss"))
                {
                    cancelRequested.Set();
                    cancelled.Wait();
                }
            };
            var estimator = ml.Transforms.Autoencoder(options);
            long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

            Assert.Throws<OperationCanceledException>(() => estimator.Fit(data));

            canceller.Join();
            Assert.True(cancelled.IsSet);
            Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            // The process is left as it was: the next training (ML.NET keeps a cancelled MLContext cancelled) works.
            var next = new MLContext(seed: 1);
            using var model = next.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(next));
            Assert.Equal(3, model.TrainingHistory.Count);
        }

        [Fact]
        public void FitAndDispose_WithValidationAndBestWeightsRestored_LeavesNoLiveTensors()
        {
            var ml = new MLContext(seed: 1);
            var messages = new ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            var options = Options(new DenseArchitecture { HiddenSizes = new[] { 16 } });
            options.ValidationData = SyntheticData.ToDataView(ml, SyntheticData.LowRankRows(100, 20, 3, seed: 8), 20);
            options.BatchSize = 32;
            options.MaximumNumberOfEpochs = 10;
            options.Patience = 3;
            options.LearningRate = 0.5f; // the validation loss is lowest in epoch 7 of 10 (0.103 against 0.104)
            options.Optimizer = OptimizerKind.Sgd;
            var data = SyntheticData.LowRank(ml);
            var estimator = ml.Transforms.Autoencoder(options);
            long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

            estimator.Fit(data).Dispose();

            Assert.Contains(messages, m => m.Contains("Restored the weights of epoch"));
            Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }
}
