namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>What the <c>compress</c> command measures: the data, the autoencoders' latent sizes and training budget, and the codecs' settings.</summary>
internal sealed record CompressOptions
{
    /// <summary>The Fashion-MNIST folder; <see langword="null"/>: Debian's when installed, else the embedded split.</summary>
    public string? FashionMnistDirectory { get; init; }

    /// <summary>At most this many training images (<see langword="null"/>: all).</summary>
    public int? TrainCount { get; init; }

    /// <summary>At most this many held-out images (<see langword="null"/>: all).</summary>
    public int? HeldOutCount { get; init; }

    /// <summary>The autoencoders' latent sizes.</summary>
    public int[] LatentDimensions { get; init; } = [4, 8, 16, 32, 64];

    /// <summary>PCA's numbers of components: the autoencoders' byte budgets at 8 and 16 bits per value.</summary>
    public int[] PcaComponents { get; init; } = [4, 8, 16, 32, 64, 128];

    /// <summary>The autoencoders' maximum epoch count.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>The autoencoders' mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The seed of the split and of every training.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Whether to train the convolutional autoencoder too (the slowest part).</summary>
    public bool Convolutional { get; init; } = true;

    /// <summary>The JPEG and WebP qualities (0 to 100) to encode at.</summary>
    public int[] Qualities { get; init; } = [1, 5, 10, 20, 40, 60, 80, 95];

    /// <summary>The seeded small run: few images, two latent sizes, two epochs, a few qualities.</summary>
    public static CompressOptions Quick { get; } = new()
    {
        TrainCount = 1000,
        HeldOutCount = 200,
        LatentDimensions = [4, 16],
        PcaComponents = [4, 16, 32],
        Epochs = 2,
        Qualities = [10, 50, 90],
    };
}
