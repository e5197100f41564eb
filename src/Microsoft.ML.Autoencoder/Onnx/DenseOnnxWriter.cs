using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// <c>Architectures/DenseNetwork.cs</c> as ONNX: per hidden layer <c>Gemm</c>, optional <c>BatchNormalization</c>
    /// and the activation (dropout is the identity at inference); the stacks end in a linear layer named <c>output</c>.
    /// </summary>
    internal sealed class DenseOnnxWriter : NetworkOnnxWriter
    {
        private readonly DenseArchitecture _architecture;

        public DenseOnnxWriter(DenseArchitecture architecture, NetworkWeights weights)
            : base(weights) => _architecture = architecture;

        public override string EncoderOutputLayer => "_encoder.output";

        public override string EncoderFeatures(OnnxGraph graph, string rows) => Hidden(graph, rows, "_encoder", _architecture.HiddenSizes);

        public override string DecoderLogits(OnnxGraph graph, string latent)
            => Linear(graph, Hidden(graph, latent, "_decoder", _architecture.EffectiveDecoderHiddenSizes), "_decoder.output");

        private string Hidden(OnnxGraph graph, string input, string stack, IReadOnlyList<int> hiddenSizes)
        {
            var x = input;
            for (int i = 0; i < hiddenSizes.Count; i++)
            {
                x = Linear(graph, x, $"{stack}.linear{i}");
                if (_architecture.BatchNormalization)
                    x = BatchNormalization(graph, x, $"{stack}.batchnorm{i}");
                x = Activation(graph, x, _architecture.Activation, $"{stack}.activation{i}");
            }
            return x;
        }
    }
}
