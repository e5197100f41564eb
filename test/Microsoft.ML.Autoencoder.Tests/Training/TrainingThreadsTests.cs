using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Architectures;
using Microsoft.ML.Autoencoder.Tests.Data;
using Microsoft.ML.Autoencoder.Training;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>
    /// The training thread count when <see cref="AutoencoderEstimator.Options.NumberOfThreads"/> is not set: libtorch's
    /// setting, capped at one fewer than the processors, restored after Fit. Runs alone: the count is process-wide.
    /// </summary>
    [Collection(NativeMemoryCollection.Name)]
    public class TrainingThreadsTests
    {
        [Fact]
        public void DefaultTrainingThreads_LeavesOneProcessorFree_AtLeastOne_NeverMoreThanLibTorchsSetting()
        {
            int processors = Environment.ProcessorCount;
            Assert.Equal(Math.Max(1, processors - 1), AutoencoderTrainer.DefaultTrainingThreads(processors));
            Assert.Equal(1, AutoencoderTrainer.DefaultTrainingThreads(1));
            Assert.Equal(Math.Min(2, Math.Max(1, processors - 1)), AutoencoderTrainer.DefaultTrainingThreads(2));
            Assert.Equal(Math.Max(1, processors - 1), AutoencoderTrainer.DefaultTrainingThreads(processors * 4));
        }

        [Fact]
        public void Fit_WithoutNumberOfThreads_TrainsOnTheCappedCountAndRestoresLibTorchsSetting()
        {
            int processors = Environment.ProcessorCount;
            if (processors < 2)
                return; // one processor: nothing to leave free
            int before = global::TorchSharp.torch.get_num_threads();
            global::TorchSharp.torch.set_num_threads(processors);
            try
            {
                var ml = new MLContext(seed: 1);
                var messages = new ConcurrentQueue<string>();
                ml.Log += (_, e) => messages.Enqueue(e.Message);
                var options = new AutoencoderEstimator.Options { LatentDimension = 2, MaximumNumberOfEpochs = 1, Seed = 1 };
                using var model = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, ShapedData.Uniform(64, 6, seed: 1), 6));

                Assert.Contains(messages, m => m.Contains($"Training on {processors - 1} libtorch thread(s) ({processors} processors, one left free", StringComparison.Ordinal));
                Assert.Equal(processors, global::TorchSharp.torch.get_num_threads());

                // An explicit count is the caller's choice, set for the process as before.
                options.NumberOfThreads = 1;
                messages.Clear();
                using var second = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, ShapedData.Uniform(64, 6, seed: 1), 6));
                Assert.DoesNotContain(messages, m => m.Contains("one left free", StringComparison.Ordinal));
                Assert.Equal(1, global::TorchSharp.torch.get_num_threads());
            }
            finally
            {
                global::TorchSharp.torch.set_num_threads(before);
            }
        }
    }
}
