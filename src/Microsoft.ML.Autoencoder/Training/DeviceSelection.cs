using System;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// Chooses the torch device from the MLContext's GPU settings (<c>MLContext.GpuDeviceId</c> and
    /// <c>MLContext.FallbackToCpu</c>), as ML.NET's own TorchSharp trainers do. CUDA needs an application that
    /// references a CUDA backend of TorchSharp (for example <c>TorchSharp-cuda-linux</c>) and a GPU.
    /// </summary>
    internal static class DeviceSelection
    {
        public static Device Choose(IHostEnvironment environment, IChannel? channel)
        {
            var settings = (IHostEnvironmentInternal)environment;
            return Choose(settings.GpuDeviceId, settings.FallbackToCpu, torch.cuda.is_available(), channel);
        }

        /// <summary>The decision itself, apart from where its inputs come from.</summary>
        internal static Device Choose(int? gpuDeviceId, bool fallbackToCpu, bool cudaAvailable, IChannel? channel)
        {
            if (gpuDeviceId is not int id)
                return CPU;
            if (id < 0)
                throw new ArgumentOutOfRangeException(nameof(MLContext.GpuDeviceId), id, "The GPU device id must not be negative.");
            if (cudaAvailable && id < torch.cuda.device_count())
                return torch.device(DeviceType.CUDA, id);
            string reason = cudaAvailable
                ? $"GPU {id} was requested but only {torch.cuda.device_count()} CUDA device(s) exist"
                : $"GPU {id} was requested but CUDA is not available (no GPU, or no CUDA backend of TorchSharp referenced by the application)";
            if (!fallbackToCpu)
                throw new InvalidOperationException($"{reason}. Set MLContext.FallbackToCpu to train on the CPU instead.");
            channel?.Warning($"{reason}; running on the CPU because MLContext.FallbackToCpu is set.");
            return CPU;
        }
    }
}
