using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Autoencoder.Training;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    public class DeviceSelectionTests
    {
        [Fact]
        public void Choose_NoGpuRequested_IsCpu()
        {
            Assert.Equal(DeviceType.CPU, DeviceSelection.Choose(gpuDeviceId: null, fallbackToCpu: false, cudaAvailable: false, channel: null).type);
        }

        [Fact]
        public void Choose_GpuRequestedWithoutCudaAndNoFallback_ThrowsNamingFallbackOption()
        {
            var error = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Choose(gpuDeviceId: 0, fallbackToCpu: false, cudaAvailable: false, channel: null));
            Assert.Contains("CUDA is not available", error.Message);
            Assert.Contains(nameof(MLContext.FallbackToCpu), error.Message);
        }

        [Fact]
        public void Choose_NegativeGpuId_Throws()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => DeviceSelection.Choose(gpuDeviceId: -1, fallbackToCpu: true, cudaAvailable: false, channel: null));
        }

        [Fact]
        public void Fit_GpuRequestedWithFallbackOnCpuOnlyMachine_TrainsOnCpuAndLogsWhy()
        {
            Assert.False(torch.cuda.is_available()); // this suite runs on CPU-only machines
            var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
            var messages = new ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            var options = new AutoencoderEstimator.Options { LatentDimension = 3, MaximumNumberOfEpochs = 2, Seed = 1 };
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml, rows: 64));

            Assert.Contains(messages, m => m.Contains("running on the CPU because MLContext.FallbackToCpu is set"));
            Assert.Equal(64 * 3, model.Encode(SyntheticData.Flatten(SyntheticData.LowRankRows(64, 20, 3, seed: 2))).Length);
        }

        [Fact]
        public void Fit_GpuRequestedWithoutFallbackOnCpuOnlyMachine_Throws()
        {
            var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
            var options = new AutoencoderEstimator.Options { LatentDimension = 3, MaximumNumberOfEpochs = 2, Seed = 1 };

            Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml, rows: 64)));
        }
    }
}
