namespace Microsoft.ML.Autoencoder.Samples.Classify;

/// <summary>What <see cref="ClassificationComparison.Run"/> trains.</summary>
public sealed record ClassifyOptions
{
    /// <summary>The size of the codes: the number of principal components and the autoencoder's latent dimension.</summary>
    public int CodeDimension { get; init; } = 32;

    /// <summary>The autoencoder's maximum number of epochs (it may stop earlier when the loss stops improving).</summary>
    public int AutoencoderEpochs { get; init; } = 20;

    /// <summary>The autoencoder's mini-batch size.</summary>
    public int BatchSize { get; init; } = AutoencoderEstimator.Defaults.BatchSize;

    /// <summary>
    /// The maximum number of passes SDCA makes over the training data; <see langword="null"/> lets ML.NET choose.
    /// </summary>
    public int? ClassifierIterations { get; init; } = 30;

    /// <summary>The seed of the data split, PCA, the autoencoder and the classifier.</summary>
    public int Seed { get; init; } = 1;
}
