using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.Architectures
{
    /// <summary>
    /// The network of a <see cref="RecurrentArchitecture"/> (the sequence-to-sequence autoencoder of the
    /// Keras examples): rows of <c>timesteps x features</c> values are viewed as sequences; the encoder's
    /// last hidden state is mapped to the latent code, and the decoder runs over the code (mapped to a
    /// hidden vector) repeated at every step, starting from a hidden state also computed from the code.
    /// </summary>
    internal sealed class RecurrentNetwork : AutoencoderNetwork
    {
        private readonly long _timesteps;
        private readonly long _features;
        private readonly SequenceEncoder _encoder;
        private readonly SequenceDecoder _decoder;

        public RecurrentNetwork(RecurrentArchitecture architecture, int timesteps, int features, int latentDimension, OutputActivation outputActivation, bool isVariational)
            : base(nameof(RecurrentNetwork), timesteps * features, latentDimension, outputActivation, isVariational)
        {
            _timesteps = timesteps;
            _features = features;
            _encoder = new SequenceEncoder(architecture, features, EncoderOutputSize);
            _decoder = new SequenceDecoder(architecture, latentDimension, timesteps, features);
            RegisterComponents();
            InitializeDefaultParameters();
        }

        public override Module Encoder => _encoder;

        protected override Tensor EncoderOutput(Tensor input) => _encoder.call(input.reshape(input.shape[0], _timesteps, _features));

        public override Tensor DecodeToLogits(Tensor latent) => _decoder.call(latent).reshape(latent.shape[0], InputSize);

        /// <summary>
        /// An LSTM or GRU. libtorch's constructors draw the initial weights from torch's global generator (TorchSharp
        /// 0.107 passes no generator), so this holds <see cref="AutoencoderNetwork.GlobalGeneratorLock"/> and puts the
        /// generator's state back: building leaves the global generator where it was, and training draws the weights
        /// again from its own generator.
        /// </summary>
        private static Module CreateRecurrent(RecurrentArchitecture architecture, int inputSize)
        {
            lock (GlobalGeneratorLock)
            {
                using var state = torch.get_rng_state();
                try
                {
                    return architecture.Cell switch
                    {
                        RecurrentCell.Lstm => LSTM(inputSize, architecture.HiddenSize, architecture.Layers, batchFirst: true),
                        RecurrentCell.Gru => GRU(inputSize, architecture.HiddenSize, architecture.Layers, batchFirst: true),
                        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture.Cell, "Unknown recurrent cell."),
                    };
                }
                finally
                {
                    torch.set_rng_state(state);
                }
            }
        }

        /// <summary>The top layer's output at every step, <c>[batch, timesteps, hidden]</c>.</summary>
        /// <param name="recurrent">The LSTM or GRU.</param>
        /// <param name="sequence">The input, <c>[batch, timesteps, input]</c>.</param>
        /// <param name="initialHidden">The initial hidden state of every layer, <c>[layers, batch, hidden]</c>, or <see langword="null"/> for zeros; an LSTM's cell state starts at zero.</param>
        private static Tensor Run(Module recurrent, Tensor sequence, Tensor? initialHidden = null) => recurrent switch
        {
            LSTM lstm => lstm.call(sequence, initialHidden is null ? null : (initialHidden, torch.zeros_like(initialHidden))).Item1,
            GRU gru => gru.call(sequence, initialHidden).Item1,
            _ => throw new InvalidOperationException($"Unexpected recurrent module {recurrent.GetType().Name}."),
        };

        /// <summary><c>[batch, timesteps, features]</c> to <c>[batch, outputSize]</c>: the last step's output, mapped linearly.</summary>
        private sealed class SequenceEncoder : Module<Tensor, Tensor>
        {
            private readonly Module _recurrent;
            private readonly Linear _output;

            public SequenceEncoder(RecurrentArchitecture architecture, int features, int outputSize)
                : base(nameof(SequenceEncoder))
            {
                _recurrent = CreateRecurrent(architecture, features);
                _output = LinearLayer(architecture.HiddenSize, outputSize);
                RegisterComponents();
            }

            public override Tensor forward(Tensor sequence)
            {
                var steps = Run(_recurrent, sequence);
                return _output.call(steps.select(1, steps.shape[1] - 1));
            }
        }

        /// <summary>
        /// <c>[batch, latent]</c> to <c>[batch, timesteps, features]</c>: the code, mapped linearly and repeated at
        /// every step, through a recurrent stack whose initial hidden state is <c>tanh</c> of another linear map of
        /// the code, and a per-step linear layer. (Starting from the code rather than from zeros lowered the held-out
        /// error on the tests' noisy sines about threefold.)
        /// </summary>
        private sealed class SequenceDecoder : Module<Tensor, Tensor>
        {
            private readonly long _timesteps;
            private readonly long _layers;
            private readonly Linear _input;
            private readonly Linear _initialHidden;
            private readonly Module _recurrent;
            private readonly Linear _output;

            public SequenceDecoder(RecurrentArchitecture architecture, int latentDimension, int timesteps, int features)
                : base(nameof(SequenceDecoder))
            {
                _timesteps = timesteps;
                _layers = architecture.Layers;
                _input = LinearLayer(latentDimension, architecture.HiddenSize);
                _initialHidden = LinearLayer(latentDimension, architecture.Layers * architecture.HiddenSize);
                _recurrent = CreateRecurrent(architecture, architecture.HiddenSize);
                _output = LinearLayer(architecture.HiddenSize, features);
                RegisterComponents();
            }

            public override Tensor forward(Tensor latent)
            {
                var repeated = _input.call(latent).unsqueeze(1).expand(-1, _timesteps, -1);
                var initialHidden = torch.tanh(_initialHidden.call(latent)).reshape(latent.shape[0], _layers, -1).transpose(0, 1).contiguous();
                return _output.call(Run(_recurrent, repeated, initialHidden));
            }
        }
    }
}
