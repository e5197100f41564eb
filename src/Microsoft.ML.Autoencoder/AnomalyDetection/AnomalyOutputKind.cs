namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>The output columns an <see cref="AutoencoderAnomalyTransformer"/> can add.</summary>
    internal enum AnomalyOutputKind
    {
        Score,
        PredictedLabel,
        NormalizedScore,
        FeatureContributions,
        TopContributors,
        TopContributorNames,
    }
}
