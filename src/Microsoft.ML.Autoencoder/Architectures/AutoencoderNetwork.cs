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
    /// <remarks>
    /// A subclass builds its encoder to end in <see cref="EncoderOutputSize"/> values per row and implements
    /// <see cref="EncoderOutput"/>; this class turns that output into the latent code, or, for a
    /// variational network, into the mean and log-variance of the latent distribution. Variants that only
    /// change the training objective (denoising, sparse, contractive) need nothing from the network.
    /// </remarks>
    internal abstract class AutoencoderNetwork : nn.Module<Tensor, Tensor>
    {
        private readonly OutputActivation _outputActivation;

        protected AutoencoderNetwork(string name, int inputSize, int latentDimension, OutputActivation outputActivation, bool isVariational)
            : base(name)
        {
            InputSize = inputSize;
            LatentDimension = latentDimension;
            IsVariational = isVariational;
            _outputActivation = outputActivation;
        }

        public int InputSize { get; }

        public int LatentDimension { get; }

        /// <summary>
        /// Whether the encoder outputs a latent distribution (mean and log-variance) rather than a code:
        /// part of the network's shape, so a saved model must record it to be rebuilt.
        /// </summary>
        public bool IsVariational { get; }

        /// <summary>
        /// The encoder's modules: warm start's <c>FreezeEncoder</c> stops their parameters' gradients and
        /// keeps them in evaluation mode (no dropout, fixed batch-normalization statistics).
        /// </summary>
        public abstract nn.Module Encoder { get; }

        /// <summary>
        /// The number of values per row the encoder's last layer must output: the latent dimension, or
        /// twice it for a variational network (the mean, then the log-variance).
        /// </summary>
        protected int EncoderOutputSize => IsVariational ? 2 * LatentDimension : LatentDimension;

        /// <summary>Runs the encoder: <c>[batch, inputSize]</c> to <c>[batch, EncoderOutputSize]</c>.</summary>
        protected abstract Tensor EncoderOutput(Tensor input);

        /// <summary>Maps inputs to latent codes: for a variational network, the mean of the latent distribution.</summary>
        public Tensor Encode(Tensor input)
        {
            var output = EncoderOutput(input);
            return IsVariational ? output.narrow(1, 0, LatentDimension) : output;
        }

        /// <summary>Maps inputs to the mean and log-variance of a variational network's latent distribution.</summary>
        public (Tensor Mean, Tensor LogVariance) EncodeDistribution(Tensor input)
        {
            if (!IsVariational)
                throw new InvalidOperationException("The network is not variational: it has no latent distribution.");
            var output = EncoderOutput(input);
            return (output.narrow(1, 0, LatentDimension), output.narrow(1, LatentDimension, LatentDimension));
        }

        /// <summary>Maps latent codes to the decoder's output before the output activation.</summary>
        public abstract Tensor DecodeToLogits(Tensor latent);

        /// <summary>Maps latent codes to reconstructions.</summary>
        public Tensor Decode(Tensor latent) => ApplyOutputActivation(DecodeToLogits(latent));

        /// <summary>Reconstructs inputs (from the latent mean, for a variational network).</summary>
        public override Tensor forward(Tensor input) => Decode(Encode(input));

        /// <summary>The per-row reconstruction loss of <paramref name="input"/>, shape <c>[batch]</c>.</summary>
        public Tensor RowLoss(Tensor logits, Tensor input, ReconstructionLoss loss)
            => LossFunctions.RowLoss(logits, input, loss, _outputActivation);

        /// <summary>The reconstruction loss of <paramref name="target"/> averaged over every value of the batch.</summary>
        public Tensor BatchLoss(Tensor logits, Tensor target, ReconstructionLoss loss)
            => LossFunctions.BatchLoss(logits, target, loss, _outputActivation);

        /// <summary>The output activation applied to the decoder's <paramref name="logits"/>.</summary>
        public Tensor ApplyOutputActivation(Tensor logits) => LossFunctions.Activate(logits, _outputActivation);
    }
}
