namespace Microsoft.ML.Autoencoder.Samples.Generate;

/// <summary>What <see cref="ImageGeneration.Run"/> trains and draws.</summary>
public sealed record GenerateOptions
{
    /// <summary>The latent dimension of all three autoencoders.</summary>
    public int LatentDimension { get; init; } = 16;

    /// <summary>The maximum number of training epochs of each autoencoder (it may stop earlier when the loss stops improving).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>The mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The seed of the data split, the three trainings and the draws from the prior.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// The number of threads libtorch uses (a process-wide setting), or <see langword="null"/> for libtorch's default
    /// (one per core). One is the default here: these small networks gain little from more, and on a busy machine
    /// libtorch's threads spin while they wait for each other, so two can be many times slower than one.
    /// </summary>
    public int? NumberOfThreads { get; init; } = 1;

    /// <summary>The side of the square grid of samples from the variational autoencoder's prior.</summary>
    public int SampleGridSide { get; init; } = 8;

    /// <summary>The number of decoded points on each interpolation path, both ends included.</summary>
    public int InterpolationSteps { get; init; } = 10;

    /// <summary>The class of the held-out image where the interpolation starts (an index into <c>FashionMnist.ClassNames</c>).</summary>
    public int InterpolationFromClass { get; init; } = 1; // Trouser

    /// <summary>The class of the held-out image where the interpolation ends.</summary>
    public int InterpolationToClass { get; init; } = 2; // Pullover

    /// <summary>The folder the PNG files are written to; created when missing.</summary>
    public string OutputDirectory { get; init; } = "generate-output";
}
