using System;
using Microsoft.ML.Autoencoder.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Architectures
{
    /// <summary>
    /// The trainable encoder-decoder pair behind every architecture. Inputs and reconstructions are
    /// <c>[batch, inputSize]</c> tensors and latent codes <c>[batch, latentDimension]</c>, whatever shape
    /// the architecture works in internally.
    /// </summary>
    internal abstract class AutoencoderNetwork : nn.Module<Tensor, Tensor>
    {
        private readonly OutputActivation _outputActivation;

        protected AutoencoderNetwork(string name, int inputSize, int latentDimension, OutputActivation outputActivation)
            : base(name)
        {
            InputSize = inputSize;
            LatentDimension = latentDimension;
            _outputActivation = outputActivation;
        }

        public int InputSize { get; }

        public int LatentDimension { get; }

        /// <summary>Maps inputs to latent codes.</summary>
        public abstract Tensor Encode(Tensor input);

        /// <summary>Maps latent codes to the decoder's output before the output activation.</summary>
        public abstract Tensor DecodeToLogits(Tensor latent);

        /// <summary>Maps latent codes to reconstructions.</summary>
        public Tensor Decode(Tensor latent) => ApplyOutputActivation(DecodeToLogits(latent));

        /// <summary>Reconstructs inputs.</summary>
        public override Tensor forward(Tensor input) => Decode(Encode(input));

        /// <summary>
        /// The loss minimized in training for one batch: the reconstruction loss of <paramref name="target"/>
        /// from <paramref name="input"/> (the two differ when a variant corrupts the input). Variants that
        /// add regularization terms override this.
        /// </summary>
        public virtual Tensor TrainingLoss(Tensor input, Tensor target, ReconstructionLoss loss)
            => LossFunctions.BatchLoss(DecodeToLogits(Encode(input)), target, loss, _outputActivation);

        /// <summary>The per-row reconstruction loss of <paramref name="input"/>, shape <c>[batch]</c>.</summary>
        public Tensor RowLoss(Tensor logits, Tensor input, ReconstructionLoss loss)
            => LossFunctions.RowLoss(logits, input, loss, _outputActivation);

        public Tensor ApplyOutputActivation(Tensor logits) => _outputActivation switch
        {
            OutputActivation.Sigmoid => torch.sigmoid(logits),
            OutputActivation.Identity => logits.alias(),
            _ => throw new InvalidOperationException($"Unknown output activation {_outputActivation}."),
        };
    }
}
