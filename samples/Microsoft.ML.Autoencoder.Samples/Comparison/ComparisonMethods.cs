using System.Collections.Generic;
using Microsoft.ML.Autoencoder.Architectures;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>The methods the comparison runs. To compare another autoencoder, add one line to <see cref="All"/>.</summary>
public static class ComparisonMethods
{
    /// <summary>ML.NET's PCA: the linear baseline.</summary>
    public static ComparisonMethod Pca { get; } = ComparisonMethod.Pca();

    /// <summary>The library's default autoencoder: dense, 784 -> 128 -> k -> 128 -> 784, ReLU, sigmoid output, MSE, Adam.</summary>
    public static ComparisonMethod DenseAutoencoder { get; } = ComparisonMethod.Autoencoder(
        "Dense AE",
        "The library's default dense autoencoder: 784 -> 128 -> k -> 128 -> 784, ReLU, sigmoid output, mean squared error, Adam (learning rate 0.001).",
        options => options.Architecture = new DenseArchitecture());

    /// <summary>Every method, in the order of tables and legends.</summary>
    public static IReadOnlyList<ComparisonMethod> All { get; } =
    [
        Pca,
        DenseAutoencoder,
    ];
}
