using System.Collections.Generic;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>The methods the comparison runs. To compare another autoencoder, add one line to <see cref="All"/>.</summary>
public static class ComparisonMethods
{
    /// <summary>ML.NET's PCA: the linear baseline.</summary>
    public static ComparisonMethod Pca { get; } = ComparisonMethod.Pca();

    /// <summary>The library's default autoencoder: dense, 784 -> 128 -> k -> 128 -> 784, ReLU, sigmoid output, MSE, Adam.</summary>
    public static ComparisonMethod DenseAutoencoder { get; } = ComparisonMethod.Autoencoder(
        "Dense AE",
        "the library's default dense autoencoder: 784 -> 128 -> k -> 128 -> 784, ReLU, sigmoid output, mean squared error, Adam (learning rate 0.001).",
        options => options.Architecture = new DenseArchitecture());

    /// <summary>A convolutional autoencoder with the library's default filters (16 and 32, 3 x 3, stride 2).</summary>
    public static ComparisonMethod ConvolutionalAutoencoder { get; } = ComparisonMethod.Autoencoder(
        "Conv AE",
        "the library's ConvolutionalArchitecture with its defaults: 28 x 28 -> 16 x 14 x 14 -> 32 x 7 x 7 (3 x 3 kernels, stride 2, ReLU) -> k, mirrored by transposed convolutions; sigmoid output, mean squared error, Adam.",
        options => options.Architecture = new ConvolutionalArchitecture { Channels = 1, Height = FashionMnist.ImageSide, Width = FashionMnist.ImageSide });

    /// <summary>A variational autoencoder on the dense architecture; its code is the mean of each image's latent Gaussian.</summary>
    public static ComparisonMethod VariationalAutoencoder { get; } = ComparisonMethod.Autoencoder(
        "VAE",
        "a variational autoencoder on the default dense architecture: beta 1 with the KL weight warmed up over 5 epochs, binary cross-entropy (as suits pixels in [0, 1]); the code is the mean of each image's latent Gaussian and the reconstruction decodes it.",
        options =>
        {
            options.Architecture = new DenseArchitecture();
            options.Loss = ReconstructionLoss.BinaryCrossEntropy;
            options.Variational = new VariationalOptions { Beta = 1, KullbackLeiblerWarmupEpochs = 5 };
        });

    /// <summary>Every method, in the order of tables and legends.</summary>
    public static IReadOnlyList<ComparisonMethod> All { get; } =
    [
        Pca,
        DenseAutoencoder,
        ConvolutionalAutoencoder,
        VariationalAutoencoder,
    ];

    /// <summary>The methods by the id the <c>compare</c> command's <c>--methods</c> takes.</summary>
    public static IReadOnlyDictionary<string, ComparisonMethod> Ids { get; } = new Dictionary<string, ComparisonMethod>
    {
        ["pca"] = Pca,
        ["dense"] = DenseAutoencoder,
        ["conv"] = ConvolutionalAutoencoder,
        ["vae"] = VariationalAutoencoder,
    };
}
