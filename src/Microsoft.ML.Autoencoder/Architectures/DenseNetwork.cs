using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.Architectures
{
    /// <summary>The network of a <see cref="DenseArchitecture"/>.</summary>
    internal sealed class DenseNetwork : AutoencoderNetwork
    {
        private readonly Module<Tensor, Tensor> _encoder;
        private readonly Module<Tensor, Tensor> _decoder;

        public DenseNetwork(DenseArchitecture architecture, int inputSize, int latentDimension, OutputActivation outputActivation, bool isVariational)
            : base(nameof(DenseNetwork), inputSize, latentDimension, outputActivation, isVariational)
        {
            _encoder = Stack(architecture, inputSize, architecture.HiddenSizes, EncoderOutputSize);
            _decoder = Stack(architecture, latentDimension, architecture.EffectiveDecoderHiddenSizes, inputSize);
            MinimumRowsPerBatch = architecture.BatchNormalization ? 2 : 1;
            RegisterComponents();
            InitializeDefaultParameters();
        }

        public override Module Encoder => _encoder;

        public override int MinimumRowsPerBatch { get; }

        protected override Tensor EncoderOutput(Tensor input) => _encoder.call(input);

        public override Tensor DecodeToLogits(Tensor latent) => _decoder.call(latent);

        /// <summary>
        /// Linear layers through <paramref name="hiddenSizes"/>, each followed by optional batch
        /// normalization, the activation and optional dropout; the last layer is linear. (The parameters are
        /// zeros until <see cref="AutoencoderNetwork.InitializeParameters"/> draws them.)
        /// </summary>
        private static Module<Tensor, Tensor> Stack(DenseArchitecture architecture, int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize)
        {
            var layers = new List<(string, Module<Tensor, Tensor>)>();
            int previous = inputSize;
            for (int i = 0; i < hiddenSizes.Count; i++)
            {
                layers.Add(($"linear{i}", LinearLayer(previous, hiddenSizes[i])));
                if (architecture.BatchNormalization)
                    layers.Add(($"batchnorm{i}", BatchNorm1d(hiddenSizes[i])));
                layers.Add(($"activation{i}", Activations.Create(architecture.Activation)));
                if (architecture.Dropout > 0)
                    layers.Add(($"dropout{i}", new GeneratorDropout(architecture.Dropout)));
                previous = hiddenSizes[i];
            }
            layers.Add(("output", LinearLayer(previous, outputSize)));
            return Sequential(layers);
        }
    }
}
