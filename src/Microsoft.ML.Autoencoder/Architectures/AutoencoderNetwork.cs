using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Training;
using TorchSharp;
using TorchSharp.Modules;
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
    /// <para>
    /// Nothing here draws from torch's process-wide generator except libtorch's LSTM and GRU constructors (see
    /// <see cref="GlobalGeneratorLock"/>): layers are built with zero parameters, which each subclass's constructor
    /// draws from a generator seeded with 0 (<see cref="InitializeDefaultParameters"/>, so a network built outside
    /// training is deterministic and usable), training draws again from its own generator
    /// (<see cref="InitializeParameters"/>) and loading overwrites; dropout draws its masks from the generator given
    /// by <see cref="SetDropoutGenerator"/>.
    /// </para>
    /// </remarks>
    internal abstract class AutoencoderNetwork : nn.Module<Tensor, Tensor>
    {
        /// <summary>
        /// Held while this library draws from torch's process-wide generator, which it does only to build an LSTM
        /// or GRU: libtorch's constructors draw their initial weights from it and TorchSharp 0.107 takes no
        /// generator there. The builder restores the generator's state afterwards and training draws the weights
        /// again from its own generator. Held for the construction only, so trainings do not wait for each other;
        /// the loader holds it too while it builds a network, and a test that checks the global generator holds it.
        /// </summary>
        internal static readonly object GlobalGeneratorLock = new object();

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

        /// <summary>
        /// The fewest rows a training mini-batch may hold: 2 when a batch-normalization layer would otherwise see a
        /// single value per channel, from which libtorch computes an unbiased variance of 0/0 and so a NaN running
        /// variance (every later output NaN, with a normal training loss); else 1.
        /// </summary>
        public virtual int MinimumRowsPerBatch => 1;

        /// <summary>
        /// Draws every parameter from <paramref name="generator"/> by TorchSharp's default initialization of its
        /// layer, layer by layer in the order they were built: linear and convolutional weights Kaiming-uniform with
        /// a = sqrt(5) (bound 1/sqrt(fan-in)) and their biases uniform within 1/sqrt(fan-in), LSTM and GRU parameters
        /// uniform within 1/sqrt(hidden size); batch normalization keeps its ones and zeros. The bounds are computed as
        /// libtorch computes them, so a generator seeded like torch's global one gives the weights the layers'
        /// constructors would have drawn from it.
        /// </summary>
        /// <exception cref="InvalidOperationException">A layer with parameters has no rule here (a layer type added without one).</exception>
        public void InitializeParameters(Generator generator)
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, module) in named_modules())
            {
                switch (module)
                {
                    case Linear linear:
                        InitializeWeightAndBias(linear.weight, linear.bias, generator);
                        break;
                    case Convolution convolution:
                        InitializeWeightAndBias(convolution.weight, convolution.bias, generator);
                        break;
                    case LSTM or GRU:
                        var parameters = module.named_parameters(recurse: false).ToList();
                        double bound = 1.0 / Math.Sqrt(parameters.Single(p => p.name == "weight_hh_l0").parameter.shape[1]);
                        foreach (var (_, parameter) in parameters)
                            parameter.uniform_(-bound, bound, generator);
                        break;
                    case BatchNorm:
                        break;
                    default:
                        if (module.named_parameters(recurse: false).Any())
                            throw new InvalidOperationException($"Layer '{name}' ({module.GetType().Name}) has parameters but no initialization rule.");
                        break;
                }
            }
        }

        /// <summary>
        /// Gives the dropout layers the generator their masks are drawn from in training mode, or takes it away
        /// (<see langword="null"/>) when training ends.
        /// </summary>
        public void SetDropoutGenerator(Generator? generator)
        {
            foreach (var module in modules())
            {
                if (module is GeneratorDropout dropout)
                    dropout.Generator = generator;
            }
        }

        /// <summary>
        /// Draws the parameters from a generator seeded with 0: the last step of each subclass's constructor, after
        /// <c>RegisterComponents</c>.
        /// </summary>
        protected void InitializeDefaultParameters()
        {
            using var generator = new Generator(0);
            InitializeParameters(generator);
        }

        /// <summary>
        /// A linear layer whose parameters are zeros, built without drawing anything (until
        /// <see cref="InitializeParameters"/> draws them).
        /// </summary>
        protected static Linear LinearLayer(long inputSize, long outputSize)
            => nn.Linear(nn.Parameter(torch.zeros(outputSize, inputSize)), nn.Parameter(torch.zeros(outputSize)));

        /// <summary>
        /// libtorch's <c>kaiming_uniform_(weight, a: sqrt(5))</c> and TorchSharp's bias rule, with the bounds computed in
        /// the same order of operations, drawing from <paramref name="generator"/>.
        /// </summary>
        private static void InitializeWeightAndBias(Tensor weight, Tensor? bias, Generator generator)
        {
            var (fanIn, _) = nn.init.CalculateFanInAndFanOut(weight);
            double gain = Math.Sqrt(2.0 / (1 + Math.Pow(Math.Sqrt(5), 2)));
            double weightBound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
            weight.uniform_(-weightBound, weightBound, generator);
            if (bias is not null && fanIn > 0)
            {
                double biasBound = 1 / Math.Sqrt(fanIn);
                bias.uniform_(-biasBound, biasBound, generator);
            }
        }
    }
}
