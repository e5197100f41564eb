namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>What the <c>detect</c> command runs: the data sets, the protocol's splits and seeds, and optional changes to the detector's defaults.</summary>
internal sealed record DetectOptions
{
    /// <summary>Whether to run the full benchmarks: one-class Fashion-MNIST on the 60k training set, Shuttle and Ionosphere.</summary>
    public bool Full { get; init; }

    /// <summary>The number of random 60/40 splits per tabular data set (PyOD's benchmark protocol: 10).</summary>
    public int Splits { get; init; } = 10;

    /// <summary>The seed of the splits and of every training.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>libtorch threads (1: heavy runs share the machine).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The Fashion-MNIST folder; <see langword="null"/>: Debian's when installed (with <see cref="Full"/>), else the embedded split.</summary>
    public string? FashionMnistDirectory { get; init; }

    /// <summary>Where the mlbench CSV files are read from, exported first when missing.</summary>
    public string MlbenchDirectory { get; init; } = "artifacts/anomaly-data";

    /// <summary>Which Fashion-MNIST classes to use as the normal class (all 10 by default).</summary>
    public int[] Classes { get; init; } = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    /// <summary>Also run the detector with the convolutional architecture on Fashion-MNIST.</summary>
    public bool Convolutional { get; init; }

    /// <summary>A latent dimension instead of the detector's choice (to try settings; the reported defaults leave it null).</summary>
    public int? LatentDimension { get; init; }

    /// <summary>A maximum epoch count instead of the default.</summary>
    public int? Epochs { get; init; }

    /// <summary>Hidden layer sizes of the dense architecture instead of the default.</summary>
    public int[]? HiddenSizes { get; init; }

    /// <summary>A robust-training fraction instead of the default (0: off).</summary>
    public double? RobustTrainingFraction { get; init; }

    /// <summary>Standardization on or off instead of the default (on).</summary>
    public bool? Standardize { get; init; }

    /// <summary>An error window side instead of the default (1: pixel by pixel).</summary>
    public int? ErrorWindowSize { get; init; }

    /// <summary>An ensemble size instead of the default.</summary>
    public int? EnsembleSize { get; init; }

    /// <summary>Which tabular data sets to run (both by default).</summary>
    public string[] DataSets { get; init; } = OutlierDataSet.MlbenchNames;

    /// <summary>Whether any setting differs from the library's defaults (the report says so).</summary>
    public bool ChangesDefaults => LatentDimension is not null || Epochs is not null || HiddenSizes is not null || RobustTrainingFraction is not null || Standardize is not null || EnsembleSize is not null || ErrorWindowSize is not null;
}
