using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Architectures
{
    /// <summary>
    /// Dropout whose masks come from a generator the training owns, not from torch's process-wide one
    /// (TorchSharp 0.107's <c>Dropout</c> takes no generator). It computes what libtorch's CPU dropout
    /// computes, in the same order (a Bernoulli mask of keep probability <c>1 - p</c>, divided by <c>1 - p</c>,
    /// times the input), so a generator in the state of torch's global one gives the same masks. Like
    /// <c>Dropout</c>, it has no parameters or buffers: a network's state dictionary is the same with either.
    /// </summary>
    internal sealed class GeneratorDropout : nn.Module<Tensor, Tensor>
    {
        private readonly double _probability;

        public GeneratorDropout(double probability)
            : base(nameof(GeneratorDropout))
        {
            _probability = probability;
        }

        /// <summary>
        /// The generator the masks are drawn from in training mode; <see langword="null"/> outside training, when
        /// a forward pass in training mode throws rather than drawing from torch's global generator.
        /// </summary>
        public Generator? Generator { get; set; }

        public override Tensor forward(Tensor input)
        {
            if (!training || _probability == 0 || input.numel() == 0)
                return input.alias();
            var generator = Generator ?? throw new InvalidOperationException("Dropout in training mode needs the training's generator; none is set.");
            double keep = 1 - _probability;
            // Drawn on the CPU (where the generator lives) and moved, so the masks are the same on every device.
            var noise = input.device_type == DeviceType.CPU ? torch.empty_like(input) : torch.empty(input.shape, dtype: input.dtype);
            noise.bernoulli_(keep, generator);
            noise.div_(keep);
            return input * (input.device_type == DeviceType.CPU ? noise : noise.to(input.device));
        }
    }
}
