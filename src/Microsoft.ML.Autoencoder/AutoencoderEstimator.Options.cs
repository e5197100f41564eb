using System;
using System.Collections.Generic;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
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

            /// <summary>The size of the latent code; it must be smaller than the input size.</summary>
            public int LatentDimension { get; set; } = Defaults.LatentDimension;

            /// <summary>The shape of the encoder and decoder; a dense network with one hidden layer by default.</summary>
            public AutoencoderArchitecture Architecture { get; set; } = new DenseArchitecture();

            /// <summary>The activation of the decoder's output.</summary>
            public OutputActivation OutputActivation { get; set; } = OutputActivation.Sigmoid;

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

            /// <summary>The maximum number of passes over the training data.</summary>
            public int MaximumNumberOfEpochs { get; set; } = Defaults.MaximumNumberOfEpochs;

            /// <summary>
            /// An epoch improves when it lowers the monitored loss (the validation loss when there is
            /// validation data, else the training loss) by more than this fraction of the best loss so far.
            /// Training stops after <see cref="Patience"/> epochs in a row that do not improve.
            /// </summary>
            public double ConvergenceTolerance { get; set; } = Defaults.ConvergenceTolerance;

            /// <summary>The number of non-improving epochs in a row after which training stops.</summary>
            public int Patience { get; set; } = Defaults.Patience;

            /// <summary>
            /// The fraction of the training rows (chosen at random with the seed) held out to monitor the
            /// validation loss; 0 for none. Ignored when <see cref="ValidationData"/> is given.
            /// </summary>
            public float ValidationFraction { get; set; }

            /// <summary>
            /// Rows to monitor the validation loss on. With validation (here or through
            /// <see cref="ValidationFraction"/>), training stops early on the validation loss and the
            /// weights of the best epoch are kept.
            /// </summary>
            public IDataView? ValidationData { get; set; }

            /// <summary>Whether the training rows are shuffled before each epoch.</summary>
            public bool Shuffle { get; set; } = true;

            /// <summary>
            /// The seed of weight initialization, shuffling, dropout and the validation split; training
            /// with a seed is reproducible bit for bit on the CPU. <see langword="null"/> draws one from
            /// the MLContext (deterministic when the MLContext has a seed).
            /// </summary>
            public int? Seed { get; set; }

            /// <summary>
            /// The number of threads libtorch uses, or <see langword="null"/> to leave libtorch's setting.
            /// This is a process-wide libtorch setting.
            /// </summary>
            public int? NumberOfThreads { get; set; }

            internal Options Clone()
            {
                var clone = (Options)MemberwiseClone();
                clone.Architecture = Architecture.Clone();
                return clone;
            }

            /// <summary>The output columns in schema order; vector sizes use <paramref name="inputSize"/>.</summary>
            internal IEnumerable<(string Name, DataViewType Type, OutputKind Kind)> OutputColumns(int inputSize)
                => AutoencoderModelDescription.OutputColumns(LatentColumnName, ReconstructionColumnName, ReconstructionErrorColumnName, LatentDimension, inputSize);

            /// <summary>Checks the options that do not depend on the data.</summary>
            internal void Validate()
            {
                if (string.IsNullOrWhiteSpace(InputColumnName))
                    throw new ArgumentException("The input column name must be given.", nameof(InputColumnName));
                if (LatentColumnName is null && ReconstructionColumnName is null && ReconstructionErrorColumnName is null)
                    throw new ArgumentException("At least one output column (latent, reconstruction or reconstruction error) must be named.", nameof(LatentColumnName));
                CheckName(LatentColumnName, nameof(LatentColumnName));
                CheckName(ReconstructionColumnName, nameof(ReconstructionColumnName));
                CheckName(ReconstructionErrorColumnName, nameof(ReconstructionErrorColumnName));
                if (LatentColumnName is not null && (LatentColumnName == ReconstructionColumnName || LatentColumnName == ReconstructionErrorColumnName)
                    || ReconstructionColumnName is not null && ReconstructionColumnName == ReconstructionErrorColumnName)
                    throw new ArgumentException("The output columns must have different names.", nameof(LatentColumnName));
                if (LatentDimension <= 0)
                    throw new ArgumentOutOfRangeException(nameof(LatentDimension), LatentDimension, "The latent dimension must be positive.");
                if (Architecture is null)
                    throw new ArgumentNullException(nameof(Architecture));
                if (!Enum.IsDefined(OutputActivation))
                    throw new ArgumentOutOfRangeException(nameof(OutputActivation), OutputActivation, "Unknown output activation.");
                if (!Enum.IsDefined(Loss))
                    throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Unknown loss.");
                if (Loss == ReconstructionLoss.BinaryCrossEntropy && OutputActivation != OutputActivation.Sigmoid)
                    throw new ArgumentException("Binary cross-entropy needs the sigmoid output activation.", nameof(OutputActivation));
                if (!Enum.IsDefined(Optimizer))
                    throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
                CheckPositive(LearningRate, nameof(LearningRate));
                if (!(Momentum >= 0 && Momentum < 1))
                    throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
                if (Nesterov && (Optimizer != OptimizerKind.StochasticGradientDescent || Momentum == 0))
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
                if (NumberOfThreads is int threads && threads <= 0)
                    throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), threads, "The number of threads must be positive.");
                Architecture.Validate(inputSize: LatentDimension + 1, LatentDimension);
            }

            /// <summary>Checks the options that depend on the input size.</summary>
            internal void CheckFitsInputSize(int inputSize)
            {
                if (LatentDimension >= inputSize)
                    throw new ArgumentOutOfRangeException(nameof(LatentDimension), LatentDimension, $"The latent dimension must be smaller than the size of input column '{InputColumnName}' ({inputSize}).");
                Architecture.Validate(inputSize, LatentDimension);
            }

            private static void CheckName(string? name, string optionName)
            {
                if (name is not null && string.IsNullOrWhiteSpace(name))
                    throw new ArgumentException("A column name must not be empty; use null for no column.", optionName);
            }

            private static void CheckPositive(float value, string optionName)
            {
                if (!(value > 0 && float.IsFinite(value)))
                    throw new ArgumentOutOfRangeException(optionName, value, "The value must be positive and finite.");
            }
        }
    }
}
