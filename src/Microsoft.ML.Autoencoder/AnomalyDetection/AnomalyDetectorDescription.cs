using System;
using System.Collections.Generic;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// What a trained detector is besides its autoencoder: the columns it reads and writes, how it scores, standardizes,
    /// thresholds, normalizes and explains. <see cref="AnomalyDetectorSerializer"/> saves and loads exactly this.
    /// </summary>
    internal sealed record AnomalyDetectorDescription
    {
        public required string FeatureColumnName { get; init; }

        public required int FeatureCount { get; init; }

        public required string ScoreColumnName { get; init; }

        public required string PredictedLabelColumnName { get; init; }

        public string? NormalizedScoreColumnName { get; init; }

        public string? FeatureContributionsColumnName { get; init; }

        public string? TopContributorsColumnName { get; init; }

        public string? TopContributorNamesColumnName { get; init; }

        public required int TopContributorCount { get; init; }

        public required AnomalyScoreKind ScoreKind { get; init; }

        /// <summary>The KL weight the variational model was trained with (<see cref="AnomalyScoreKind.NegativeElbo"/>); 0 otherwise.</summary>
        public required double Beta { get; init; }

        /// <summary>The standardization, or <see langword="null"/> when the features go to the autoencoder as they are.</summary>
        public Standardization? Standardization { get; init; }

        public required AnomalyScoreNormalization ScoreNormalization { get; init; }

        public required TrainingScoreSummary TrainingScores { get; init; }

        public required AnomalyThresholdFit Threshold { get; init; }

        /// <summary>With image features: the window the error is measured over (<see cref="AnomalyDetection.ErrorWindow"/>); <see langword="null"/>: feature by feature.</summary>
        public ErrorWindow? ErrorWindow { get; init; }

        /// <summary>The feature column's slot names at training, or <see langword="null"/> when it had none.</summary>
        public IReadOnlyList<string>? SlotNames { get; init; }

        /// <summary>
        /// The standard normal draws of <see cref="AnomalyScoreKind.ReconstructionProbability"/>, draw after draw (latent-dimension
        /// values each), or <see langword="null"/> for the other kinds.
        /// </summary>
        public float[]? ProbabilityDraws { get; init; }

        /// <summary>The output columns in schema order, with their types.</summary>
        public IEnumerable<(string Name, DataViewType Type, AnomalyOutputKind Kind)> OutputColumns()
        {
            yield return (ScoreColumnName, NumberDataViewType.Single, AnomalyOutputKind.Score);
            yield return (PredictedLabelColumnName, BooleanDataViewType.Instance, AnomalyOutputKind.PredictedLabel);
            if (NormalizedScoreColumnName is not null)
                yield return (NormalizedScoreColumnName, NumberDataViewType.Single, AnomalyOutputKind.NormalizedScore);
            if (FeatureContributionsColumnName is not null)
                yield return (FeatureContributionsColumnName, new VectorDataViewType(NumberDataViewType.Single, FeatureCount), AnomalyOutputKind.FeatureContributions);
            if (TopContributorsColumnName is not null)
                yield return (TopContributorsColumnName, new VectorDataViewType(NumberDataViewType.Int32, TopContributorCount), AnomalyOutputKind.TopContributors);
            if (TopContributorNamesColumnName is not null)
                yield return (TopContributorNamesColumnName, new VectorDataViewType(TextDataViewType.Instance, TopContributorCount), AnomalyOutputKind.TopContributorNames);
        }
    }

    /// <summary>The statistics of the training scores that the normalized score is computed from.</summary>
    /// <param name="Count">The number of training rows.</param>
    /// <param name="Minimum">The lowest training score.</param>
    /// <param name="Maximum">The highest training score.</param>
    /// <param name="Mean">The mean training score.</param>
    /// <param name="StandardDeviation">The training scores' (population) standard deviation.</param>
    internal sealed record TrainingScoreSummary(long Count, double Minimum, double Maximum, double Mean, double StandardDeviation)
    {
        public static TrainingScoreSummary Of(float[] scores)
        {
            double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (float s in scores)
            {
                sum += s;
                min = Math.Min(min, s);
                max = Math.Max(max, s);
            }
            double mean = sum / scores.Length, squares = 0;
            foreach (float s in scores)
                squares += (s - mean) * (s - mean);
            return new TrainingScoreSummary(scores.Length, min, max, mean, Math.Sqrt(squares / scores.Length));
        }

        /// <summary>The normalized score in [0, 1] of <paramref name="score"/>.</summary>
        public float Normalize(AnomalyScoreNormalization normalization, float score)
        {
            double value = normalization == AnomalyScoreNormalization.Linear
                ? (Maximum > Minimum ? (score - Minimum) / (Maximum - Minimum) : (score > Maximum ? 1 : 0))
                : (StandardDeviation > 0 ? Erf((score - Mean) / (StandardDeviation * Math.Sqrt(2))) : (score > Mean ? 1 : 0));
            return (float)Math.Clamp(value, 0, 1);
        }

        /// <summary>The error function (Abramowitz and Stegun 7.1.26; absolute error below 1.5e-7, enough for a float).</summary>
        internal static double Erf(double x)
        {
            double sign = Math.Sign(x);
            x = Math.Abs(x);
            double t = 1 / (1 + 0.3275911 * x);
            double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
            return sign * y;
        }
    }
}
