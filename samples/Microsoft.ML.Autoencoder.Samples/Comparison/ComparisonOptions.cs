using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>What <see cref="PcaVersusAutoencoder.Run"/> measures. The defaults are the quick run (under 3 minutes on 2 cores).</summary>
public sealed record ComparisonOptions
{
    /// <summary>The latent sizes (numbers of principal components) to compare; every method runs at each.</summary>
    public IReadOnlyList<int> LatentDimensions { get; init; } = [2, 8, 32];

    /// <summary>The methods to compare.</summary>
    public IReadOnlyList<ComparisonMethod> Methods { get; init; } = ComparisonMethods.All;

    /// <summary>The classifiers trained on raw pixels and on every code.</summary>
    public IReadOnlyList<DownstreamClassifier> Classifiers { get; init; } = [DownstreamClassifier.SdcaMaximumEntropy, DownstreamClassifier.LightGbm];

    /// <summary>The autoencoders' maximum number of epochs (training also stops when the loss stops improving).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>The autoencoders' mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The seed of the data split, PCA, the autoencoders and the classifiers.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Smaller training sets on which to repeat the reconstruction at <see cref="TrainingSizeLatentDimension"/>
    /// (the full training set is the main run). Each autoencoder's epoch limit grows as the set shrinks, so that it
    /// may take as many gradient steps as on the full set (early stopping can end it sooner): only the amount of data changes. Empty skips this experiment.
    /// </summary>
    public IReadOnlyList<int> TrainingSizes { get; init; } = [250, 1000, 4000];

    /// <summary>The methods of the training-size experiment (by default the cheap ones: PCA and the dense autoencoder).</summary>
    public IReadOnlyList<ComparisonMethod> TrainingSizeMethods { get; init; } = [ComparisonMethods.Pca, ComparisonMethods.DenseAutoencoder];

    /// <summary>The latent size of the training-size experiment.</summary>
    public int TrainingSizeLatentDimension { get; init; } = 32;

    /// <summary>The number of held-out images drawn in the 2-D maps.</summary>
    public int MapPointCount { get; init; } = 2000;

    /// <summary>The whole sweep: latent sizes 2 to 64 and training sets up to the full 60,000 images.</summary>
    public static ComparisonOptions Full { get; } = new()
    {
        LatentDimensions = [2, 4, 8, 16, 32, 64],
        TrainingSizes = [250, 1000, 4000, 15000],
        MapPointCount = 3000,
    };
}
