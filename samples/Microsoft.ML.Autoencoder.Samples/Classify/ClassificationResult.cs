using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Samples.Classify;

/// <summary>The outcome of <see cref="ClassificationComparison.Run"/>.</summary>
/// <param name="TrainCount">The number of training images.</param>
/// <param name="HeldOutCount">The number of held-out images.</param>
/// <param name="RawPixels">The classifier on the 784 normalized pixels.</param>
/// <param name="Pca">The classifier on ML.NET's PCA codes.</param>
/// <param name="Autoencoder">The classifier on the autoencoder's latent codes.</param>
/// <param name="Example">The autoencoder pipeline's prediction for the first held-out image.</param>
public sealed record ClassificationResult(
    int TrainCount,
    int HeldOutCount,
    FeatureAccuracy RawPixels,
    FeatureAccuracy Pca,
    FeatureAccuracy Autoencoder,
    ExamplePrediction Example)
{
    /// <summary>The three results, in the order above.</summary>
    public IReadOnlyList<FeatureAccuracy> All => [RawPixels, Pca, Autoencoder];
}
