using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Persistence;
using Microsoft.ML.Autoencoder.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder
{
    public sealed partial class AutoencoderEstimator
    {
        /// <summary>Everything that configures an <see cref="AutoencoderEstimator"/>.</summary>
        public sealed class Options
        {
            /// <summary>The input column: a known-size vector of floats.</summary>
            public string InputColumnName { get; set; } = Defaults.InputColumnName;

            /// <summary>The output column for the latent code, or <see langword="null"/> for none.</summary>
            public string? LatentColumnName { get; set; } = Defaults.LatentColumnName;

            /// <summary>The output column for the reconstruction, or <see langword="null"/> for none.</summary>
            public string? ReconstructionColumnName { get; set; }

            /// <summary>
            /// The output column for each row's reconstruction error (the <see cref="Loss"/> averaged over
            /// the row's values), or <see langword="null"/> for none. This is the anomaly score.
            /// </summary>
            public string? ReconstructionErrorColumnName { get; set; }

            /// <summary>
            /// The output column for the log-variance of a variational model's latent distribution (a vector
            /// of <see cref="LatentDimension"/> floats), or <see langword="null"/> for none. Needs
            /// <see cref="Variational"/>; the latent column then holds the distribution's mean.
            /// </summary>
            public string? LogVarianceColumnName { get; set; }

            /// <summary>The size of the latent code; it must be smaller than the input size.</summary>
            public int LatentDimension { get; set; } = Defaults.LatentDimension;

            /// <summary>The shape of the encoder and decoder; a dense network with one hidden layer by default.</summary>
            public AutoencoderArchitecture Architecture { get; set; } = new DenseArchitecture();

            /// <summary>The activation of the decoder's output.</summary>
            public OutputActivation OutputActivation { get; set; } = OutputActivation.Sigmoid;

            /// <summary>
            /// Corrupts the training inputs (Gaussian noise, masking or both) to make a denoising autoencoder;
            /// <see langword="null"/> for none. Combines with the other variants.
            /// </summary>
            public DenoisingOptions? Denoising { get; set; }

            /// <summary>
            /// Adds an L1 penalty on the latent activations to make a sparse autoencoder;
            /// <see langword="null"/> for none. Combines with the other variants.
            /// </summary>
            public SparsityOptions? Sparsity { get; set; }

            /// <summary>
            /// Adds the encoder Jacobian's squared Frobenius norm to make a contractive autoencoder;
            /// <see langword="null"/> for none. Needs a <see cref="DenseArchitecture"/> without batch
            /// normalization. Combines with the other variants.
            /// </summary>
            public ContractiveOptions? Contractive { get; set; }

            /// <summary>
            /// Makes a variational autoencoder (the encoder outputs a latent mean and log-variance, the loss
            /// adds a KL divergence from the standard normal prior); <see langword="null"/> for a deterministic
            /// one. Combines with the other variants, which then act on the latent mean.
            /// </summary>
            public VariationalOptions? Variational { get; set; }

            /// <summary>
            /// A trained model whose weights start the training (warm start), to continue training or to
            /// fine-tune on new data. Its input size, <see cref="LatentDimension"/>, <see cref="Architecture"/>
            /// and whether it is <see cref="Variational"/> must be those configured here. It is only read; the
            /// new transformer has weights of its own.
            /// </summary>
            public AutoencoderTransformer? InitialModel { get; set; }

            /// <summary>
            /// With <see cref="InitialModel"/>, keeps the encoder's weights (and batch-normalization
            /// statistics) fixed and trains the decoder only, so that latent codes do not change.
            /// </summary>
            public bool FreezeEncoder { get; set; }

            /// <summary>The reconstruction loss minimized in training.</summary>
            public ReconstructionLoss Loss { get; set; } = Defaults.Loss;

            /// <summary>The optimization algorithm.</summary>
            public OptimizerKind Optimizer { get; set; } = Defaults.Optimizer;

            /// <summary>The (initial) learning rate.</summary>
            public float LearningRate { get; set; } = Defaults.LearningRate;

            /// <summary>The momentum of stochastic gradient descent (ignored by Adam and AdamW).</summary>
            public float Momentum { get; set; } = Defaults.Momentum;

            /// <summary>Whether stochastic gradient descent uses Nesterov momentum.</summary>
            public bool Nesterov { get; set; }

            /// <summary>The weight decay (L2 penalty; decoupled for AdamW).</summary>
            public float WeightDecay { get; set; }

            /// <summary>How the learning rate changes over epochs.</summary>
            public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;

            /// <summary>With <see cref="LearningRateSchedule.StepDecay"/>, the number of epochs between decays.</summary>
            public int LearningRateDecayEpochs { get; set; } = Defaults.LearningRateDecayEpochs;

            /// <summary>With <see cref="LearningRateSchedule.StepDecay"/>, the factor applied at each decay.</summary>
            public float LearningRateDecayFactor { get; set; } = Defaults.LearningRateDecayFactor;

            /// <summary>The number of rows per mini-batch.</summary>
            public int BatchSize { get; set; } = Defaults.BatchSize;

            /// <summary>
            /// The number of passes over the training data: the most when <see cref="EarlyStopping"/> is on, exactly
            /// this many when it is off.
            /// </summary>
            public int MaximumNumberOfEpochs { get; set; } = Defaults.MaximumNumberOfEpochs;

            /// <summary>
            /// Whether training stops before <see cref="MaximumNumberOfEpochs"/> once the monitored loss (the validation
            /// loss when there is validation data, else the training loss) stops improving, by
            /// <see cref="ConvergenceTolerance"/> and <see cref="Patience"/>; on by default. Off, training runs every
            /// epoch; with validation data the weights of the best validation epoch are still kept.
            /// </summary>
            public bool EarlyStopping { get; set; } = Defaults.EarlyStopping;

            /// <summary>
            /// An epoch improves when it lowers the monitored loss (the validation loss when there is
            /// validation data, else the training loss) by more than this fraction of the best loss so far.
            /// With <see cref="EarlyStopping"/>, training stops after <see cref="Patience"/> epochs in a row that do not improve.
            /// </summary>
            public double ConvergenceTolerance { get; set; } = Defaults.ConvergenceTolerance;

            /// <summary>The number of non-improving epochs in a row after which training stops (with <see cref="EarlyStopping"/>).</summary>
            public int Patience { get; set; } = Defaults.Patience;

            /// <summary>
            /// The fraction of the training rows (chosen at random with the seed) held out to monitor the
            /// validation loss; 0 for none. Ignored when <see cref="ValidationData"/> is given. In memory, the rows are a
            /// seeded random sample of exactly this share; when streaming, each row is held out or not by a seeded hash of
            /// its row id (<see cref="DataViewRow.GetIdGetter"/>), so the same rows are held out every epoch without being
            /// stored, and the share is this fraction on average.
            /// </summary>
            public float ValidationFraction { get; set; }

            /// <summary>
            /// Rows to monitor the validation loss on. With validation (here or through
            /// <see cref="ValidationFraction"/>), training stops early on the validation loss and the
            /// weights of the best epoch are kept.
            /// </summary>
            public IDataView? ValidationData { get; set; }

            /// <summary>
            /// Whether the training rows are shuffled before each epoch. In memory, every epoch is a fresh permutation of all
            /// rows; when streaming, the rows come from the source's shuffled cursor where it has one
            /// (<see cref="IDataView.CanShuffle"/>) and pass through a shuffle buffer of <see cref="ShuffleBufferRows"/> rows.
            /// </summary>
            public bool Shuffle { get; set; } = true;

            /// <summary>
            /// How training reads its data: into memory when it fits <see cref="InMemoryBudgetBytes"/> (the default,
            /// <see cref="TrainingDataMode.Auto"/>), always into memory, or streamed from a fresh cursor every epoch, for data
            /// larger than memory. Data that fits trains exactly as before streaming existed. See docs/scaling.md.
            /// </summary>
            public TrainingDataMode DataMode { get; set; } = TrainingDataMode.Auto;

            /// <summary>
            /// With <see cref="TrainingDataMode.Auto"/>: the most bytes the training and validation rows may take in memory
            /// (4 bytes per value); larger data is streamed. 2 GiB by default.
            /// </summary>
            public long InMemoryBudgetBytes { get; set; } = Defaults.InMemoryBudgetBytes;

            /// <summary>
            /// When streaming with <see cref="Shuffle"/>: the rows held in the shuffle buffer (ML.NET's <c>ShuffleRows</c>
            /// semantics: each row leaving the buffer is drawn at random from it and replaced by the next row read); 0 for
            /// none. It takes <c>ShuffleBufferRows</c> x the input size x 4 bytes of memory; a larger buffer mixes rows from
            /// further apart in a source that cannot shuffle itself. Ignored in memory.
            /// </summary>
            public int ShuffleBufferRows { get; set; } = Defaults.ShuffleBufferRows;

            /// <summary>
            /// The seed of weight initialization, shuffling, dropout and the validation split; training
            /// with a seed is reproducible bit for bit on the same machine at the same thread count (on another kind of
            /// CPU, libtorch's kernels change the last bits of the results). <see langword="null"/> draws one from
            /// the MLContext (deterministic when the MLContext has a seed).
            /// </summary>
            public int? Seed { get; set; }

            /// <summary>
            /// What the trained model does when it scores an input row with a NaN or infinite value: throw, naming the row
            /// (the default), or pass it through to NaN outputs. Training refuses such rows either way.
            /// </summary>
            public NonFiniteInputHandling NonFiniteInput { get; set; } = NonFiniteInputHandling.Throw;

            /// <summary>
            /// Opt-in, on Linux with glibc: whether training raises malloc's trim and mmap thresholds for the whole
            /// process (once, and for good), so that each mini-batch reuses the native memory of the previous one instead
            /// of returning it to the system and faulting it in again. It changes how the host application's own
            /// allocations behave (freed native memory stays in the process for reuse), so it is off by default; the
            /// benchmark measures both settings (docs/performance.md). Ignored elsewhere.
            /// </summary>
            public bool TuneNativeAllocator { get; set; }

            /// <summary>
            /// The number of threads libtorch uses, set for the process (it stays set after <c>Fit</c>: inference uses it
            /// too), or <see langword="null"/> (the default) to train with libtorch's setting capped at one thread fewer
            /// than the processors available (at least one), restored after <c>Fit</c>.
            /// </summary>
            /// <remarks>
            /// libtorch's OpenMP threads wait for each other at every parallel operation; when other work holds a
            /// core, a thread that is descheduled holds up the others. Measured on 2 cores (docs/performance.md,
            /// "Threads"): with one CPU-bound process beside it, training at 2 threads took 2.2-2.5 s per epoch against
            /// 0.58-0.77 unloaded at 1 thread, and at 1 thread 0.64-0.89. Leaving one processor free keeps a loaded
            /// machine from that collapse, at the cost of that processor's share on a quiet one (on 2 cores, 0.38-0.76 s
            /// per epoch at 2 threads against 0.58-0.77 at 1). On machines with more processors than libtorch's
            /// default (one thread per physical core) the cap changes nothing. Set a count to choose; results are
            /// repeatable bit for bit only at the same thread count.
            /// </remarks>
            public int? NumberOfThreads { get; set; }

            /// <summary>
            /// When streaming: whether a thread of its own reads the next mini-batches while libtorch computes the current one.
            /// Internal, for the measurement: the scale command measured 85,246 rows/s with it against 72,899 without (one
            /// libtorch thread on two cores), and no difference when other work left no core free (docs/scaling.md).
            /// </summary>
            internal bool OverlapReading { get; set; } = true;

            internal Options Clone()
            {
                var clone = (Options)MemberwiseClone();
                clone.Architecture = Architecture.Clone();
                clone.Denoising = Denoising?.Clone();
                clone.Sparsity = (SparsityOptions?)Sparsity?.Clone();
                clone.Contractive = (ContractiveOptions?)Contractive?.Clone();
                clone.Variational = Variational?.Clone();
                return clone;
            }

            /// <summary>The output columns in schema order (names and kinds; their sizes are known only after training).</summary>
            internal IEnumerable<(string Name, OutputKind Kind)> OutputColumns()
                => AutoencoderModelDescription.OutputColumnNames(LatentColumnName, LogVarianceColumnName, ReconstructionColumnName, ReconstructionErrorColumnName);

            /// <summary>Checks the options that do not depend on the data.</summary>
            internal void Validate()
            {
                if (Architecture is null)
                    throw new ArgumentNullException(nameof(Architecture));
                ModelRules.Check(InputColumnName, LatentColumnName, LogVarianceColumnName, ReconstructionColumnName, ReconstructionErrorColumnName,
                    LatentDimension, inputSize: null, OutputActivation, Loss, isVariational: Variational is not null, NonFiniteInput, Architecture, OptionFailure);
                if (!Enum.IsDefined(Optimizer))
                    throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
                CheckPositive(LearningRate, nameof(LearningRate));
                if (!(Momentum >= 0 && Momentum < 1))
                    throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
                if (Nesterov && (Optimizer != OptimizerKind.Sgd || Momentum == 0))
                    throw new ArgumentException("Nesterov momentum needs the stochastic gradient descent optimizer and a positive momentum.", nameof(Nesterov));
                if (!(WeightDecay >= 0 && float.IsFinite(WeightDecay)))
                    throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay must be zero or positive.");
                if (!Enum.IsDefined(LearningRateSchedule))
                    throw new ArgumentOutOfRangeException(nameof(LearningRateSchedule), LearningRateSchedule, "Unknown learning-rate schedule.");
                if (LearningRateDecayEpochs <= 0)
                    throw new ArgumentOutOfRangeException(nameof(LearningRateDecayEpochs), LearningRateDecayEpochs, "The number of epochs between decays must be positive.");
                if (!(LearningRateDecayFactor > 0 && LearningRateDecayFactor <= 1))
                    throw new ArgumentOutOfRangeException(nameof(LearningRateDecayFactor), LearningRateDecayFactor, "The decay factor must be in (0, 1].");
                if (BatchSize <= 0)
                    throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be positive.");
                if (MaximumNumberOfEpochs <= 0)
                    throw new ArgumentOutOfRangeException(nameof(MaximumNumberOfEpochs), MaximumNumberOfEpochs, "The maximum number of epochs must be positive.");
                if (!(ConvergenceTolerance >= 0 && double.IsFinite(ConvergenceTolerance)))
                    throw new ArgumentOutOfRangeException(nameof(ConvergenceTolerance), ConvergenceTolerance, "The convergence tolerance must be zero or positive.");
                if (Patience <= 0)
                    throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience must be positive.");
                if (!(ValidationFraction >= 0 && ValidationFraction < 1))
                    throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be in [0, 1).");
                if (!Enum.IsDefined(DataMode))
                    throw new ArgumentOutOfRangeException(nameof(DataMode), DataMode, "Unknown training data mode.");
                if (InMemoryBudgetBytes < 0)
                    throw new ArgumentOutOfRangeException(nameof(InMemoryBudgetBytes), InMemoryBudgetBytes, "The in-memory budget must be zero or positive.");
                if (ShuffleBufferRows < 0)
                    throw new ArgumentOutOfRangeException(nameof(ShuffleBufferRows), ShuffleBufferRows, "The shuffle buffer's size must be zero or positive.");
                if (NumberOfThreads is int threads && threads <= 0)
                    throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), threads, "The number of threads must be positive.");
                Denoising?.Validate();
                Sparsity?.Validate();
                Variational?.Validate();
                if (Contractive is not null)
                {
                    Contractive.Validate();
                    if (Architecture is not DenseArchitecture dense)
                        throw new ArgumentException($"The contractive penalty is supported with a {nameof(DenseArchitecture)} only, not with a {Architecture.GetType().Name}; use a dense architecture, or the denoising variant for robust codes.", nameof(Contractive));
                    if (dense.BatchNormalization)
                        throw new ArgumentException("The contractive penalty needs each row encoded independently of the others, which batch normalization prevents in training: turn off DenseArchitecture.BatchNormalization.", nameof(Contractive));
                }
                if (FreezeEncoder && InitialModel is null)
                    throw new ArgumentException("Freezing the encoder needs trained encoder weights: set InitialModel.", nameof(FreezeEncoder));
            }

            /// <summary>Checks that <see cref="InitialModel"/>, if any, has the configured shape.</summary>
            internal void CheckInitialModel(int inputSize)
            {
                if (InitialModel is not AutoencoderTransformer initial)
                    return;
                if (initial.InputSize != inputSize)
                    throw new ArgumentException($"The initial model was trained on {initial.InputSize} values per row, but input column '{InputColumnName}' has {inputSize}.", nameof(InitialModel));
                if (initial.LatentDimension != LatentDimension)
                    throw new ArgumentException($"The initial model has a latent dimension of {initial.LatentDimension}, but LatentDimension is {LatentDimension}; configure the initial model's.", nameof(InitialModel));
                if (initial.IsVariational != Variational is not null)
                    throw new ArgumentException(initial.IsVariational
                        ? "The initial model is variational: set Variational to continue training it."
                        : "The initial model is not variational: its encoder has no log-variance head, so Variational must be null.", nameof(InitialModel));
            }

            /// <summary>Checks the options that depend on the input size.</summary>
            internal void CheckFitsInputSize(int inputSize)
                => ModelRules.Check(InputColumnName, LatentColumnName, LogVarianceColumnName, ReconstructionColumnName, ReconstructionErrorColumnName,
                    LatentDimension, inputSize, OutputActivation, Loss, isVariational: Variational is not null, NonFiniteInput, Architecture, OptionFailure);

            /// <summary>A broken <see cref="ModelRules"/> rule as the exception that names the option.</summary>
            private static Exception OptionFailure(string option, string message, bool outOfRange)
                => outOfRange ? new ArgumentOutOfRangeException(option, message) : new ArgumentException(message, option);

            private static void CheckPositive(float value, string optionName)
            {
                if (!(value > 0 && float.IsFinite(value)))
                    throw new ArgumentOutOfRangeException(optionName, value, "The value must be positive and finite.");
            }
        }
    }
}
