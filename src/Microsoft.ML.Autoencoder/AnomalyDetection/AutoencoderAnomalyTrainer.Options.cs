using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.AnomalyDetection;

namespace Microsoft.ML.Autoencoder
{
    public sealed partial class AutoencoderAnomalyTrainer
    {
        /// <summary>
        /// Everything that configures an <see cref="AutoencoderAnomalyTrainer"/>: the columns, how rows are scored,
        /// thresholded and explained, and (in <see cref="Autoencoder"/>) the autoencoder itself, with the same options as
        /// <c>mlContext.Transforms.Autoencoder</c>.
        /// </summary>
        public sealed class Options
        {
            /// <summary>The feature column: a known-size vector of floats, raw (the detector standardizes it, see <see cref="Standardize"/>).</summary>
            public string FeatureColumnName { get; set; } = Defaults.FeatureColumnName;

            /// <summary>The score column (Single; higher is more anomalous; see <see cref="ScoreKind"/>).</summary>
            public string ScoreColumnName { get; set; } = Defaults.ScoreColumnName;

            /// <summary>The predicted-label column (Boolean; <see langword="true"/> when the score is above the threshold).</summary>
            public string PredictedLabelColumnName { get; set; } = Defaults.PredictedLabelColumnName;

            /// <summary>The column of the score mapped to [0, 1] by <see cref="ScoreNormalization"/>, or <see langword="null"/> for none.</summary>
            public string? NormalizedScoreColumnName { get; set; }

            /// <summary>How the normalized score is computed from the training scores.</summary>
            public AnomalyScoreNormalization ScoreNormalization { get; set; } = AnomalyScoreNormalization.Linear;

            /// <summary>
            /// Explanation: the column of each feature's share of the row's squared reconstruction error (a vector of the
            /// feature count, summing to 1; all zeros for a row reconstructed exactly), or <see langword="null"/> for none.
            /// It carries the feature column's slot names, when it has them.
            /// </summary>
            public string? FeatureContributionsColumnName { get; set; }

            /// <summary>
            /// Explanation: the column of the indices of the <see cref="TopContributorCount"/> features with the largest
            /// shares, largest first (a vector of Int32), or <see langword="null"/> for none.
            /// </summary>
            public string? TopContributorsColumnName { get; set; }

            /// <summary>
            /// Explanation: the column of the slot names of those features (a vector of text), or <see langword="null"/> for
            /// none. Needs a feature column with slot names (for example one made by <c>Concatenate</c> of named columns).
            /// </summary>
            public string? TopContributorNamesColumnName { get; set; }

            /// <summary>How many features the top-contributor columns name; at most the feature count.</summary>
            public int TopContributorCount { get; set; } = Defaults.TopContributorCount;

            /// <summary>
            /// Whether the detector standardizes each feature with the training rows' mean and standard deviation before the
            /// autoencoder (as PyOD does); both are saved with the model. A constant feature is centred only (its standard
            /// deviation counts as 1), so it never produces NaN. Turn it off for features already on one scale (for example
            /// pixels in [0, 1], with a sigmoid output).
            /// </summary>
            public bool Standardize { get; set; } = true;

            /// <summary>What the score measures; the variational kinds need <see cref="AutoencoderEstimator.Options.Variational"/>.</summary>
            public AnomalyScoreKind ScoreKind { get; set; } = AnomalyScoreKind.ReconstructionError;

            /// <summary>How the threshold is fitted (see <see cref="AnomalyThresholdMethod"/>); the default needs no contamination.</summary>
            public AnomalyThresholdMethod ThresholdMethod { get; set; } = Defaults.ThresholdMethod;

            /// <summary>With <see cref="AnomalyThresholdMethod.Contamination"/>: the expected share of anomalies, in (0, 0.5].</summary>
            public double Contamination { get; set; } = Defaults.Contamination;

            /// <summary>With <see cref="AnomalyThresholdMethod.Explicit"/>: the threshold score, finite.</summary>
            public float ThresholdValue { get; set; } = float.NaN;

            /// <summary>With <see cref="AnomalyThresholdMethod.MedianAbsoluteDeviation"/>: k, the number of robust standard deviations; positive.</summary>
            public double DeviationMultiplier { get; set; } = Defaults.DeviationMultiplier;

            /// <summary>
            /// Robust training, for training data that contains the anomalies: after training, the fraction of training rows
            /// with the highest scores is left out and training continues, from the trained weights, on the rest (the
            /// second phase trains as long as the first may). 0 turns it off; at most 0.5; by default
            /// <see cref="Defaults.RobustTrainingFraction"/>. docs/anomaly-detection.md measures what it does.
            /// </summary>
            public double RobustTrainingFraction { get; set; } = Defaults.RobustTrainingFraction;

            /// <summary>
            /// The number of autoencoders the detector trains and averages (an ensemble): each is trained on the same rows
            /// with its own seed (<see cref="AutoencoderEstimator.Options.Seed"/> + 0, 1, ...; or a draw of the MLContext's
            /// random generator each, when no seed is set), and a row's score, squared errors and explanation are the mean of
            /// theirs. One network's training can land in a poor solution now and then (on the Shuttle benchmark one split in
            /// ten scored 0.89 AUC against 0.98-0.998 for the others); the mean of several rarely does. Training and scoring
            /// take that many times as long. At least 1, at most <see cref="Defaults.MaximumEnsembleSize"/>; by default
            /// <see cref="Defaults.EnsembleSize"/>. docs/anomaly-detection.md measures what it does.
            /// </summary>
            public int EnsembleSize { get; set; } = Defaults.EnsembleSize;

            /// <summary>
            /// When the features are an image: its height (with <see cref="ImageWidth"/> and <see cref="ImageChannels"/>;
            /// the values channel after channel, each row after row, as <see cref="ConvolutionalArchitecture"/> reads them).
            /// The score then measures the error over windows of <see cref="ErrorWindowSize"/> pixels rather than pixel by
            /// pixel (docs/anomaly-detection.md). <see langword="null"/> (the default): the shape of a
            /// <see cref="ConvolutionalArchitecture"/> that has one, otherwise the features are not an image.
            /// </summary>
            public int? ImageHeight { get; set; }

            /// <summary>When the features are an image: its width (see <see cref="ImageHeight"/>).</summary>
            public int? ImageWidth { get; set; }

            /// <summary>When the features are an image: its number of channels (see <see cref="ImageHeight"/>); <see langword="null"/>: 1.</summary>
            public int? ImageChannels { get; set; }

            /// <summary>
            /// For image features (<see cref="ImageHeight"/>): the side of the square window the residual is averaged over
            /// before it is squared, so that the score weighs differences of shape above differences of texture; 1 scores
            /// pixel by pixel. By default <see cref="Defaults.ErrorWindowSize"/>. Ignored for features that are not an image.
            /// </summary>
            public int ErrorWindowSize { get; set; } = Defaults.ErrorWindowSize;

            /// <summary>
            /// The latent dimension; <see langword="null"/> (the default) lets the detector choose it from the feature count
            /// (<see cref="Defaults.LatentDimensionFor"/>). It replaces <see cref="AutoencoderEstimator.Options.LatentDimension"/>
            /// of <see cref="Autoencoder"/>, which the feature count is not known to.
            /// </summary>
            public int? LatentDimension { get; set; }

            /// <summary>
            /// The autoencoder: architecture, variants, loss, optimizer and training settings, as for
            /// <c>mlContext.Transforms.Autoencoder</c>; by default <see cref="Defaults.CreateAutoencoderOptions"/>. The detector
            /// sets its input column (<see cref="FeatureColumnName"/>), its output columns (which it reads internally) and
            /// its latent dimension (<see cref="LatentDimension"/>); the rest is used as given. Its
            /// <see cref="AutoencoderEstimator.Options.ValidationFraction"/> is taken from the standardized rows;
            /// <see cref="AutoencoderEstimator.Options.ValidationData"/> is not supported.
            /// </summary>
            public AutoencoderEstimator.Options Autoencoder { get; set; } = Defaults.CreateAutoencoderOptions();

            internal Options Clone()
            {
                var clone = (Options)MemberwiseClone();
                clone.Autoencoder = Autoencoder?.Clone()!;
                return clone;
            }

            /// <summary>The output columns in schema order, with their option names.</summary>
            internal IEnumerable<(string Name, string Option, AnomalyOutputKind Kind)> OutputColumns()
            {
                yield return (ScoreColumnName, nameof(ScoreColumnName), AnomalyOutputKind.Score);
                yield return (PredictedLabelColumnName, nameof(PredictedLabelColumnName), AnomalyOutputKind.PredictedLabel);
                if (NormalizedScoreColumnName is not null)
                    yield return (NormalizedScoreColumnName, nameof(NormalizedScoreColumnName), AnomalyOutputKind.NormalizedScore);
                if (FeatureContributionsColumnName is not null)
                    yield return (FeatureContributionsColumnName, nameof(FeatureContributionsColumnName), AnomalyOutputKind.FeatureContributions);
                if (TopContributorsColumnName is not null)
                    yield return (TopContributorsColumnName, nameof(TopContributorsColumnName), AnomalyOutputKind.TopContributors);
                if (TopContributorNamesColumnName is not null)
                    yield return (TopContributorNamesColumnName, nameof(TopContributorNamesColumnName), AnomalyOutputKind.TopContributorNames);
            }

            /// <summary>
            /// The error window for <paramref name="featureCount"/> features: from the image shape given, or the
            /// convolutional architecture's; <see langword="null"/> when the features are not an image or the window is 1.
            /// </summary>
            /// <exception cref="ArgumentOutOfRangeException">The shape does not fit the feature count, or the window does not fit the image.</exception>
            internal ErrorWindow? ErrorWindowFor(int featureCount)
            {
                int? height = ImageHeight, width = ImageWidth, channels = ImageChannels;
                if (height is null && Autoencoder.Architecture is ConvolutionalArchitecture { Height: int h, Width: int w } convolutional)
                    (height, width, channels) = (h, w, convolutional.Channels);
                if (height is not int imageHeight || width is not int imageWidth)
                    return null;
                int imageChannels = channels ?? 1;
                ErrorWindow.Check(imageChannels, imageHeight, imageWidth, ErrorWindowSize, featureCount);
                return ErrorWindowSize == 1 ? null : new ErrorWindow(imageChannels, imageHeight, imageWidth, ErrorWindowSize);
            }

            /// <summary>The autoencoder's options as the detector trains them, for <paramref name="latentDimension"/>.</summary>
            internal AutoencoderEstimator.Options AutoencoderOptionsFor(int latentDimension)
            {
                var options = Autoencoder.Clone();
                options.InputColumnName = FeatureColumnName;
                options.LatentColumnName = AutoencoderEstimator.Defaults.LatentColumnName;
                options.LogVarianceColumnName = null;
                options.ReconstructionColumnName = null;
                options.ReconstructionErrorColumnName = null;
                options.LatentDimension = latentDimension;
                return options;
            }

            /// <summary>Checks the options that do not depend on the data; each failure names its option.</summary>
            internal void Validate()
            {
                if (Autoencoder is null)
                    throw new ArgumentNullException(nameof(Autoencoder));
                if (string.IsNullOrWhiteSpace(FeatureColumnName))
                    throw new ArgumentException("The feature column name must be given.", nameof(FeatureColumnName));
                if (string.IsNullOrWhiteSpace(ScoreColumnName))
                    throw new ArgumentException("The score column name must be given.", nameof(ScoreColumnName));
                if (string.IsNullOrWhiteSpace(PredictedLabelColumnName))
                    throw new ArgumentException("The predicted-label column name must be given.", nameof(PredictedLabelColumnName));
                var outputs = OutputColumns().ToList();
                for (int i = 0; i < outputs.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(outputs[i].Name))
                        throw new ArgumentException("A column name must not be empty; use null for no column.", outputs[i].Option);
                    for (int j = 0; j < i; j++)
                    {
                        if (outputs[i].Name == outputs[j].Name)
                            throw new ArgumentException($"{outputs[i].Option} and {outputs[j].Option} both name the column '{outputs[i].Name}': the output columns must have different names.", outputs[i].Option);
                    }
                }
                if (!Enum.IsDefined(ScoreNormalization))
                    throw new ArgumentOutOfRangeException(nameof(ScoreNormalization), ScoreNormalization, "Unknown score normalization.");
                if (!Enum.IsDefined(ScoreKind))
                    throw new ArgumentOutOfRangeException(nameof(ScoreKind), ScoreKind, "Unknown score kind.");
                if (ScoreKind != AnomalyScoreKind.ReconstructionError && Autoencoder.Variational is null)
                    throw new ArgumentException($"The score {ScoreKind} needs a variational autoencoder: set Autoencoder.Variational, or score by {nameof(AnomalyScoreKind.ReconstructionError)}.", nameof(ScoreKind));
                if (!Enum.IsDefined(ThresholdMethod))
                    throw new ArgumentOutOfRangeException(nameof(ThresholdMethod), ThresholdMethod, "Unknown threshold method.");
                if (!(Contamination > 0 && Contamination <= 0.5))
                    throw new ArgumentOutOfRangeException(nameof(Contamination), Contamination, "The contamination (the expected share of anomalies) must be in (0, 0.5].");
                if (ThresholdMethod == AnomalyThresholdMethod.Explicit && !float.IsFinite(ThresholdValue))
                    throw new ArgumentOutOfRangeException(nameof(ThresholdValue), ThresholdValue, "An explicit threshold must be a finite score.");
                if (!(DeviationMultiplier > 0 && double.IsFinite(DeviationMultiplier)))
                    throw new ArgumentOutOfRangeException(nameof(DeviationMultiplier), DeviationMultiplier, "The deviation multiplier must be positive and finite.");
                if (TopContributorCount <= 0)
                    throw new ArgumentOutOfRangeException(nameof(TopContributorCount), TopContributorCount, "The number of top contributors must be positive.");
                if (!(RobustTrainingFraction >= 0 && RobustTrainingFraction <= 0.5))
                    throw new ArgumentOutOfRangeException(nameof(RobustTrainingFraction), RobustTrainingFraction, "The robust-training fraction must be in [0, 0.5].");
                if (EnsembleSize < 1 || EnsembleSize > Defaults.MaximumEnsembleSize)
                    throw new ArgumentOutOfRangeException(nameof(EnsembleSize), EnsembleSize, $"The ensemble size (the number of autoencoders averaged) must be in [1, {Defaults.MaximumEnsembleSize}].");
                if (ErrorWindowSize < 1)
                    throw new ArgumentOutOfRangeException(nameof(ErrorWindowSize), ErrorWindowSize, "The error window's side must be at least 1 pixel.");
                if (ImageHeight.HasValue != ImageWidth.HasValue)
                    throw new ArgumentException("Give the image's height and width together (ImageHeight and ImageWidth), or neither.", ImageHeight.HasValue ? nameof(ImageWidth) : nameof(ImageHeight));
                if (ImageChannels.HasValue && !ImageHeight.HasValue)
                    throw new ArgumentException("ImageChannels needs ImageHeight and ImageWidth.", nameof(ImageChannels));
                if (ImageHeight <= 0 || ImageWidth <= 0 || ImageChannels <= 0)
                    throw new ArgumentOutOfRangeException(ImageHeight <= 0 ? nameof(ImageHeight) : ImageWidth <= 0 ? nameof(ImageWidth) : nameof(ImageChannels), "The image's height, width and channels must be positive.");
                if (LatentDimension is int latent && latent <= 0)
                    throw new ArgumentOutOfRangeException(nameof(LatentDimension), latent, "The latent dimension must be positive.");
                if (Autoencoder.ValidationData is not null)
                    throw new ArgumentException("The detector standardizes its training rows itself, so it cannot use separate validation data: set Autoencoder.ValidationFraction instead.", nameof(Autoencoder));
                if (Autoencoder.NonFiniteInput != NonFiniteInputHandling.Throw)
                    throw new ArgumentException("The detector never scores a row with NaN or infinite values (such a row would look normal or be lost): leave Autoencoder.NonFiniteInput at Throw and impute first.", nameof(Autoencoder));
                if (Standardize && Autoencoder.Loss == ReconstructionLoss.BinaryCrossEntropy)
                    throw new ArgumentException("Binary cross-entropy needs features in [0, 1], which standardized features are not: set Standardize = false (with features scaled to [0, 1]) or use another loss.", nameof(Standardize));
                if (Standardize && Autoencoder.OutputActivation == OutputActivation.Sigmoid)
                    throw new ArgumentException("A sigmoid output cannot reconstruct standardized features (they are not in [0, 1]): set Autoencoder.OutputActivation = OutputActivation.Identity, or Standardize = false with features scaled to [0, 1].", nameof(Standardize));
                AutoencoderOptionsFor(LatentDimension ?? 1).Validate();
            }
        }
    }
}
