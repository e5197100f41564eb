using System;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// <c>Architectures/ConvolutionalNetwork.cs</c> as ONNX: rows reshaped to <c>[batch, channels, height, width]</c>,
    /// <c>Conv</c> layers with optional <c>BatchNormalization</c> and the activation, <c>Flatten</c>; the decoder's
    /// <c>Gemm</c>, activation and reshape to the last feature map, then <c>ConvTranspose</c> layers whose
    /// <c>output_padding</c> restores each side exactly (as the network passes its output size), back to rows.
    /// Torch's convolution and transposed-convolution weights already have ONNX's layouts.
    /// </summary>
    internal sealed class ConvolutionalOnnxWriter : NetworkOnnxWriter
    {
        private readonly ConvolutionalArchitecture _architecture;
        private readonly int _channels;
        private readonly int[] _heights;
        private readonly int[] _widths;

        public ConvolutionalOnnxWriter(ConvolutionalArchitecture architecture, NetworkWeights weights)
            : base(weights)
        {
            if (architecture.Channels is not int channels || architecture.Height is not int height || architecture.Width is not int width)
                throw new InvalidOperationException("The convolutional architecture's image shape is not resolved.");
            _architecture = architecture;
            _channels = channels;
            _heights = architecture.SideLengths(height);
            _widths = architecture.SideLengths(width);
        }

        public override string EncoderOutputLayer => "_encoder.latent";

        public override string EncoderFeatures(OnnxGraph graph, string rows)
        {
            var filters = _architecture.FilterCounts;
            var x = graph.Reshape(rows, new long[] { -1, _channels, _heights[0], _widths[0] }, "_encoder.image");
            for (int i = 0; i < filters.Count; i++)
            {
                x = Convolution(graph, "Conv", x, $"_encoder.conv{i}", null);
                x = NormalizationAndActivation(graph, x, $"_encoder.batchnorm{i}", $"_encoder.activation{i}");
            }
            return graph.Apply("Flatten", "_encoder.flatten", node => node.AddAttribute("axis", 1L), x);
        }

        public override string DecoderLogits(OnnxGraph graph, string latent)
        {
            var filters = _architecture.FilterCounts;
            int layers = filters.Count;
            var x = Activation(graph, Linear(graph, latent, "_decoder.linear"), _architecture.Activation, "_decoder.activation");
            x = graph.Reshape(x, new long[] { -1, filters[layers - 1], _heights[layers], _widths[layers] }, "_decoder.unflatten");
            for (int i = layers - 1; i >= 0; i--)
            {
                var outputPadding = new long[]
                {
                    _architecture.OutputPadding(_heights[i], _heights[i + 1]),
                    _architecture.OutputPadding(_widths[i], _widths[i + 1]),
                };
                x = Convolution(graph, "ConvTranspose", x, $"_decoder.deconv{i}._convolution", outputPadding);
                if (i > 0)
                    x = NormalizationAndActivation(graph, x, $"_decoder.batchnorm{i - 1}", $"_decoder.activation{i - 1}");
            }
            return graph.Reshape(x, new long[] { -1, (long)_channels * _heights[0] * _widths[0] }, "_decoder.rows");
        }

        private string Convolution(OnnxGraph graph, string operatorType, string input, string layer, long[]? outputPadding)
        {
            var (weight, weightShape) = Weights[layer + ".weight"];
            var (bias, biasShape) = Weights[layer + ".bias"];
            long kernel = _architecture.KernelSize, stride = _architecture.Stride, padding = _architecture.Padding;
            return graph.Apply(operatorType, layer, node =>
                {
                    node.AddAttribute("kernel_shape", new[] { kernel, kernel });
                    node.AddAttribute("strides", new[] { stride, stride });
                    node.AddAttribute("pads", new[] { padding, padding, padding, padding });
                    if (outputPadding is not null)
                        node.AddAttribute("output_padding", outputPadding);
                },
                input, graph.Constant(weight, weightShape, layer + ".weight"), graph.Constant(bias, biasShape, layer + ".bias"));
        }

        private string NormalizationAndActivation(OnnxGraph graph, string input, string batchNormalization, string activation)
        {
            var x = _architecture.BatchNormalization ? BatchNormalization(graph, input, batchNormalization) : input;
            return Activation(graph, x, _architecture.Activation, activation);
        }
    }
}
