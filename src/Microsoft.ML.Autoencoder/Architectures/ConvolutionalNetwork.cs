using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.Architectures
{
    /// <summary>
    /// The network of a <see cref="ConvolutionalArchitecture"/>: rows of <c>channels x height x width</c>
    /// values are viewed as images, encoded by strided convolutions and a linear layer, and decoded by a
    /// linear layer and transposed convolutions back to the same image shape.
    /// </summary>
    internal sealed class ConvolutionalNetwork : AutoencoderNetwork
    {
        private readonly long _channels;
        private readonly long _height;
        private readonly long _width;
        private readonly Module<Tensor, Tensor> _encoder;
        private readonly Module<Tensor, Tensor> _decoder;

        public ConvolutionalNetwork(ConvolutionalArchitecture architecture, int channels, int height, int width, int latentDimension, OutputActivation outputActivation, bool isVariational)
            : base(nameof(ConvolutionalNetwork), channels * height * width, latentDimension, outputActivation, isVariational)
        {
            _channels = channels;
            _height = height;
            _width = width;
            var filters = architecture.FilterCounts;
            int layers = filters.Count;
            int[] heights = architecture.SideLengths(height);
            int[] widths = architecture.SideLengths(width);
            long flattened = (long)filters[layers - 1] * heights[layers] * widths[layers];

            var encoder = new List<(string, Module<Tensor, Tensor>)>();
            for (int i = 0; i < layers; i++)
            {
                int inputChannels = i == 0 ? channels : filters[i - 1];
                encoder.Add(($"conv{i}", Allocated(Conv2d(inputChannels, filters[i], architecture.KernelSize, stride: architecture.Stride, padding: architecture.Padding, device: torch.META))));
                AddNormalizationAndActivation(encoder, architecture, filters[i], $"{i}");
            }
            encoder.Add(("flatten", Flatten()));
            encoder.Add(("latent", LinearLayer(flattened, EncoderOutputSize)));
            _encoder = Sequential(encoder);

            var decoder = new List<(string, Module<Tensor, Tensor>)>
            {
                ("linear", LinearLayer(latentDimension, flattened)),
                ("activation", Activations.Create(architecture.Activation)),
                ("unflatten", Unflatten(1, new long[] { filters[layers - 1], heights[layers], widths[layers] })),
            };
            for (int i = layers - 1; i >= 0; i--)
            {
                int outputChannels = i == 0 ? channels : filters[i - 1];
                var outputPadding = (architecture.OutputPadding(heights[i], heights[i + 1]), architecture.OutputPadding(widths[i], widths[i + 1]));
                if (outputPadding.Item1 < 0 || outputPadding.Item1 >= architecture.Stride || outputPadding.Item2 < 0 || outputPadding.Item2 >= architecture.Stride)
                    throw new InvalidOperationException($"No output padding restores {heights[i]} x {widths[i]} from {heights[i + 1]} x {widths[i + 1]}.");
                decoder.Add(($"deconv{i}", new SizedTransposedConvolution(
                    Allocated(ConvTranspose2d(
                        filters[i], outputChannels,
                        kernel_size: (architecture.KernelSize, architecture.KernelSize),
                        stride: (architecture.Stride, architecture.Stride),
                        padding: (architecture.Padding, architecture.Padding),
                        output_padding: outputPadding,
                        device: torch.META)),
                    heights[i], widths[i])));
                if (i > 0)
                    AddNormalizationAndActivation(decoder, architecture, outputChannels, $"{i - 1}");
            }
            _decoder = Sequential(decoder);
            // Every batch-normalization layer follows a convolution whose output side lengths are heights[l] x widths[l]
            // for some l >= 1; a one-row batch gives it one value per channel when that output is 1 x 1.
            bool singlePixel = Enumerable.Range(1, layers).Any(l => heights[l] * widths[l] == 1);
            MinimumRowsPerBatch = architecture.BatchNormalization && singlePixel ? 2 : 1;
            RegisterComponents();
            InitializeDefaultParameters();
        }

        public override Module Encoder => _encoder;

        public override int MinimumRowsPerBatch { get; }

        protected override Tensor EncoderOutput(Tensor input) => _encoder.call(input.reshape(input.shape[0], _channels, _height, _width));

        public override Tensor DecodeToLogits(Tensor latent) => _decoder.call(latent).reshape(latent.shape[0], InputSize);

        /// <summary>
        /// A transposed convolution called with its output size, so that each side gets its own output
        /// padding: TorchSharp 0.107's <c>ConvTranspose2d.forward(input)</c> applies the first side's output
        /// padding to both sides.
        /// </summary>
        private sealed class SizedTransposedConvolution : Module<Tensor, Tensor>
        {
            private readonly ConvTranspose2d _convolution;
            private readonly long[] _outputSize;

            public SizedTransposedConvolution(ConvTranspose2d convolution, int height, int width)
                : base(nameof(SizedTransposedConvolution))
            {
                _convolution = convolution;
                _outputSize = new long[] { height, width };
                RegisterComponents();
            }

            public override Tensor forward(Tensor input) => _convolution.forward(input, _outputSize);
        }

        /// <summary>
        /// Gives a convolution built on the meta device (whose constructor draws nothing) zero parameters on the CPU,
        /// until <see cref="AutoencoderNetwork.InitializeParameters"/> draws them.
        /// </summary>
        private static T Allocated<T>(T convolution) where T : Convolution
        {
            convolution.weight = nn.Parameter(torch.zeros(convolution.weight.shape));
            if (convolution.bias is Tensor bias)
                convolution.bias = nn.Parameter(torch.zeros(bias.shape));
            return convolution;
        }

        private static void AddNormalizationAndActivation(List<(string, Module<Tensor, Tensor>)> layers, ConvolutionalArchitecture architecture, int channels, string suffix)
        {
            if (architecture.BatchNormalization)
                layers.Add(($"batchnorm{suffix}", BatchNorm2d(channels)));
            layers.Add(($"activation{suffix}", Activations.Create(architecture.Activation)));
        }
    }
}
