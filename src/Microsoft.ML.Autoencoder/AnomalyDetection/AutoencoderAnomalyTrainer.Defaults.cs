using System;

namespace Microsoft.ML.Autoencoder
{
    public sealed partial class AutoencoderAnomalyTrainer
    {
        /// <summary>
        /// The default values of <see cref="Options"/> and of the catalog's parameters: chosen once, for every data set
        /// (docs/anomaly-detection.md shows them measured on image and tabular benchmarks).
        /// </summary>
        public static class Defaults
        {
            /// <summary>The feature column's default name (ML.NET's).</summary>
            public const string FeatureColumnName = "Features";

            /// <summary>The score column's default name (ML.NET's anomaly convention).</summary>
            public const string ScoreColumnName = "Score";

            /// <summary>The predicted-label column's default name (ML.NET's anomaly convention).</summary>
            public const string PredictedLabelColumnName = "PredictedLabel";

            /// <summary>
            /// The default threshold method: automatic, needing no expected contamination; of the three automatic rules, the
            /// one with the best mean F1 on the Shuttle and Ionosphere benchmarks (docs/anomaly-detection.md).
            /// </summary>
            public const AnomalyThresholdMethod ThresholdMethod = AnomalyThresholdMethod.GaussianMixture;

            /// <summary>The default expected share of anomalies for <see cref="AnomalyThresholdMethod.Contamination"/> (PyOD's).</summary>
            public const double Contamination = 0.1;

            /// <summary>The default k of <see cref="AnomalyThresholdMethod.MedianAbsoluteDeviation"/>: 3 robust standard deviations.</summary>
            public const double DeviationMultiplier = 3;

            /// <summary>
            /// The default robust-training fraction: after training, the 10% of training rows with the highest scores (PyOD's
            /// default contamination) are left out and training continues on the rest. Measured with the other defaults (10
            /// splits each), it raised the mean AUC on Shuttle from 0.989 to 0.997 and on Ionosphere from 0.948 to 0.955
            /// (docs/anomaly-detection.md).
            /// </summary>
            public const double RobustTrainingFraction = 0.1;

            /// <summary>
            /// The default number of autoencoders averaged (<see cref="Options.EnsembleSize"/>): 3. Measured with the other
            /// defaults (docs/anomaly-detection.md), it took the mean AUC on Shuttle (10 splits) from 0.983 to 0.997, its worst
            /// split from 0.893 to 0.995, and Ionosphere's from 0.952 to 0.955.
            /// </summary>
            public const int EnsembleSize = 3;

            /// <summary>
            /// The default side of the error window for image features (<see cref="Options.ErrorWindowSize"/>): 3 pixels.
            /// On one-class Fashion-MNIST it raised the mean AUC from 0.918 to 0.933 (docs/anomaly-detection.md).
            /// </summary>
            public const int ErrorWindowSize = 3;

            /// <summary>The largest <see cref="Options.EnsembleSize"/>.</summary>
            public const int MaximumEnsembleSize = 16;

            /// <summary>The default number of top contributors the explanation names.</summary>
            public const int TopContributorCount = 3;

            /// <summary>The number of latent draws of <see cref="AnomalyScoreKind.ReconstructionProbability"/>.</summary>
            public const int ReconstructionProbabilitySamples = 16;

            /// <summary>The largest latent dimension the detector picks by itself (see <see cref="LatentDimensionFor"/>).</summary>
            public const int MaximumLatentDimension = 32;

            /// <summary>The default size of the single hidden layer of the detector's dense autoencoder.</summary>
            public const int HiddenSize = 64;

            /// <summary>The default maximum number of training epochs.</summary>
            public const int MaximumNumberOfEpochs = 50;

            /// <summary>The default number of rows per mini-batch.</summary>
            public const int BatchSize = 64;

            /// <summary>The default dropout after each hidden layer in training (PyOD's AutoEncoder's).</summary>
            public const float Dropout = 0.2f;

            /// <summary>The default weight decay (PyOD's AutoEncoder's).</summary>
            public const float WeightDecay = 1e-5f;

            /// <summary>
            /// The latent dimension the detector uses when <see cref="Options.LatentDimension"/> is not set: a third of the
            /// feature count, at least 1 and at most <see cref="MaximumLatentDimension"/>.
            /// </summary>
            /// <param name="featureCount">The number of features.</param>
            /// <returns>The latent dimension.</returns>
            public static int LatentDimensionFor(int featureCount)
            {
                if (featureCount < 2)
                    throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "An autoencoder needs at least 2 features (its latent code is smaller than its input).");
                return Math.Clamp(featureCount / 3, 1, MaximumLatentDimension);
            }

            /// <summary>
            /// A new set of the autoencoder options the detector trains with by default: a dense network with one hidden
            /// layer of <see cref="HiddenSize"/> units followed by batch normalization and <see cref="Dropout"/> (PyOD's
            /// regularization: without it, scores on the Shuttle benchmark varied from 0.84 to 0.99 AUC between splits and
            /// settings), identity output (the features are standardized), mean squared error, Adam with
            /// <see cref="WeightDecay"/>, batches of <see cref="BatchSize"/>, up to <see cref="MaximumNumberOfEpochs"/> epochs
            /// with early stopping. Start from these to change one setting.
            /// </summary>
            /// <returns>Options of its own for each call.</returns>
            public static AutoencoderEstimator.Options CreateAutoencoderOptions() => new AutoencoderEstimator.Options
            {
                Architecture = new DenseArchitecture { HiddenSizes = new[] { HiddenSize }, BatchNormalization = true, Dropout = Dropout },
                OutputActivation = OutputActivation.Identity,
                Loss = ReconstructionLoss.MeanSquaredError,
                WeightDecay = WeightDecay,
                BatchSize = BatchSize,
                MaximumNumberOfEpochs = MaximumNumberOfEpochs,
            };
        }
    }
}
