using Microsoft.ML.Autoencoder.Training;

namespace Microsoft.ML.Autoencoder
{
    public sealed partial class AutoencoderEstimator
    {
        /// <summary>The default values of <see cref="Options"/> and of the catalog's parameters.</summary>
        public static class Defaults
        {
            /// <summary>The input column's default name.</summary>
            public const string InputColumnName = "Features";

            /// <summary>The latent column's default name.</summary>
            public const string LatentColumnName = "Latent";

            /// <summary>The default size of the latent code.</summary>
            public const int LatentDimension = 32;

            /// <summary>The default size of the dense architecture's single hidden layer.</summary>
            public const int HiddenSize = 128;

            /// <summary>The default reconstruction loss.</summary>
            public const ReconstructionLoss Loss = ReconstructionLoss.MeanSquaredError;

            /// <summary>The default optimizer.</summary>
            public const OptimizerKind Optimizer = OptimizerKind.Adam;

            /// <summary>The default learning rate, suited to Adam.</summary>
            public const float LearningRate = 1e-3f;

            /// <summary>The default momentum of stochastic gradient descent.</summary>
            public const float Momentum = 0.9f;

            /// <summary>The default number of rows per mini-batch.</summary>
            public const int BatchSize = 256;

            /// <summary>The default maximum number of passes over the training data.</summary>
            public const int MaximumNumberOfEpochs = 50;

            /// <summary>The default relative improvement below which an epoch counts as not improving.</summary>
            public const double ConvergenceTolerance = 1e-4;

            /// <summary>The default number of non-improving epochs after which training stops.</summary>
            public const int Patience = 3;

            /// <summary>The default in-memory budget of <see cref="TrainingDataMode.Auto"/>: 2 GiB.</summary>
            public const long InMemoryBudgetBytes = 2L << 30;

            /// <summary>The default number of rows in the streaming shuffle buffer.</summary>
            public const int ShuffleBufferRows = 10_000;

            /// <summary>Early stopping is on.</summary>
            public const bool EarlyStopping = true;

            /// <summary>The default number of epochs between two learning-rate decays.</summary>
            public const int LearningRateDecayEpochs = 10;

            /// <summary>The default factor of a learning-rate decay.</summary>
            public const float LearningRateDecayFactor = 0.1f;
        }
    }
}
