using System;
using Microsoft.ML.Autoencoder.Persistence;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// Writes one architecture's network as ONNX nodes, layer by layer as its <c>Architectures/*Network.cs</c> runs it
    /// in evaluation mode (dropout is the identity, BatchNorm uses its running statistics), reading the weights by
    /// their <c>state_dict</c> names. Every encoder ends in a linear layer (<see cref="EncoderOutputLayer"/>), which
    /// <see cref="AutoencoderOnnxWriter"/> applies itself, so that a variational encoder's mean and log-variance can be
    /// computed apart.
    /// </summary>
    internal abstract class NetworkOnnxWriter
    {
        protected NetworkOnnxWriter(NetworkWeights weights) => Weights = weights;

        protected NetworkWeights Weights { get; }

        /// <summary>The <c>state_dict</c> prefix of the encoder's last linear layer.</summary>
        public abstract string EncoderOutputLayer { get; }

        /// <summary>The encoder up to its last linear layer: rows <c>[batch, inputSize]</c> to <c>[batch, features]</c>.</summary>
        public abstract string EncoderFeatures(OnnxGraph graph, string rows);

        /// <summary>The decoder before the output activation: codes <c>[batch, latent]</c> to <c>[batch, inputSize]</c>.</summary>
        public abstract string DecoderLogits(OnnxGraph graph, string latent);

        /// <summary>The writer of the network that <paramref name="description"/> describes.</summary>
        /// <exception cref="NotSupportedException">The architecture has no ONNX writer.</exception>
        public static NetworkOnnxWriter For(AutoencoderModelDescription description, NetworkWeights weights) => description.Architecture switch
        {
            DenseArchitecture dense => new DenseOnnxWriter(dense, weights),
            ConvolutionalArchitecture convolutional => new ConvolutionalOnnxWriter(convolutional, weights),
            RecurrentArchitecture recurrent => new RecurrentOnnxWriter(recurrent, weights),
            var other => throw new NotSupportedException($"The autoencoder's architecture {other.GetType().Name} cannot be exported to ONNX."),
        };

        /// <summary>
        /// The linear layer <paramref name="layer"/> (torch's <c>y = x W^T + b</c>, as <c>Gemm</c> with <c>transB</c>) on
        /// <c>[batch, in]</c>, or only its outputs <c>[start, start + count)</c>.
        /// </summary>
        public string Linear(OnnxGraph graph, string input, string layer, long start = 0, long? count = null)
        {
            var (weight, weightShape) = count is long rows ? Weights.Rows(layer + ".weight", start, rows) : Weights[layer + ".weight"];
            var (bias, biasShape) = count is long n ? Weights.Rows(layer + ".bias", start, n) : Weights[layer + ".bias"];
            return graph.Apply("Gemm", layer, node => node.AddAttribute("transB", 1L),
                input, graph.Constant(weight, weightShape, layer + ".weight"), graph.Constant(bias, biasShape, layer + ".bias"));
        }

        /// <summary>Batch normalization <paramref name="layer"/> with its running statistics, on <c>[batch, channels, ...]</c>.</summary>
        protected string BatchNormalization(OnnxGraph graph, string input, string layer)
        {
            string Parameter(string name)
            {
                var (values, shape) = Weights[$"{layer}.{name}"];
                return graph.Constant(values, shape, $"{layer}.{name}");
            }
            // TorchSharp's BatchNorm1d/2d default epsilon, which the networks keep.
            return graph.Apply("BatchNormalization", layer, node => node.AddAttribute("epsilon", 1e-5),
                input, Parameter("weight"), Parameter("bias"), Parameter("running_mean"), Parameter("running_var"));
        }

        /// <summary>The hidden-layer activation <paramref name="activation"/> (as <c>Architectures/Activations.cs</c> creates it).</summary>
        /// <exception cref="NotSupportedException">The activation has no ONNX form here.</exception>
        protected static string Activation(OnnxGraph graph, string input, ActivationFunction activation, string name)
        {
            switch (activation)
            {
                case ActivationFunction.ReLU:
                    return graph.Apply("Relu", name, input);
                case ActivationFunction.LeakyReLU:
                    return graph.Apply("LeakyRelu", name, node => node.AddAttribute("alpha", 0.01), input);
                case ActivationFunction.Tanh:
                    return graph.Apply("Tanh", name, input);
                case ActivationFunction.Sigmoid:
                    return graph.Apply("Sigmoid", name, input);
                case ActivationFunction.GELU:
                    // torch's exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)) (ONNX's Gelu operator needs opset 20).
                    var erf = graph.Apply("Erf", name + ".erf", graph.Apply("Mul", name + ".scaled", input, graph.Constant((float)(1 / Math.Sqrt(2)), name + ".sqrt1_2")));
                    var onePlus = graph.Apply("Add", name + ".one_plus", erf, graph.Constant(1f, name + ".one"));
                    var half = graph.Apply("Mul", name + ".half", input, graph.Constant(0.5f, name + ".half_constant"));
                    return graph.Apply("Mul", name, half, onePlus);
                default:
                    throw new NotSupportedException($"The activation function {activation} cannot be exported to ONNX.");
            }
        }
    }
}
