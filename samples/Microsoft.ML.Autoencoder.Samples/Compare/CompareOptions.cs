namespace Microsoft.ML.Autoencoder.Samples.Compare;

/// <summary>What <see cref="ReconstructionComparison.Run"/> trains.</summary>
public sealed record CompareOptions
{
    /// <summary>The number of principal components and the autoencoder's latent dimension.</summary>
    public int LatentDimension { get; init; } = 32;

    /// <summary>The autoencoder's maximum number of epochs (it may stop earlier when the loss stops improving).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>The autoencoder's mini-batch size.</summary>
    public int BatchSize { get; init; } = AutoencoderEstimator.Defaults.BatchSize;

    /// <summary>The seed of the data split, PCA's randomized solver and the autoencoder's training.</summary>
    public int Seed { get; init; } = 1;
}
