using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>The detector's options as the benchmark trains it: the library's defaults, unless the command line changes them.</summary>
internal static class DetectorSettings
{
    /// <param name="options">The command's options.</param>
    /// <param name="seed">The training seed.</param>
    /// <param name="architecture">Another architecture than the detector's default.</param>
    /// <param name="imageSide">For square grey images: their side, which the detector is told (as a user of image data would tell it).</param>
    public static AutoencoderAnomalyTrainer.Options Create(DetectOptions options, int seed, AutoencoderArchitecture? architecture = null, int? imageSide = null)
    {
        var detector = new AutoencoderAnomalyTrainer.Options { LatentDimension = options.LatentDimension, ImageHeight = imageSide, ImageWidth = imageSide };
        if (options.ErrorWindowSize is int window)
        {
            detector.ErrorWindowSize = window;
        }

        if (options.RobustTrainingFraction is double fraction)
        {
            detector.RobustTrainingFraction = fraction;
        }

        if (options.Standardize is bool standardize)
        {
            detector.Standardize = standardize;
        }

        if (options.EnsembleSize is int ensemble)
        {
            detector.EnsembleSize = ensemble;
        }

        var autoencoder = detector.Autoencoder;
        autoencoder.Seed = seed;
        autoencoder.NumberOfThreads = options.Threads;
        if (options.Epochs is int epochs)
        {
            autoencoder.MaximumNumberOfEpochs = epochs;
        }

        if (options.HiddenSizes is IReadOnlyList<int> hidden)
        {
            autoencoder.Architecture = new DenseArchitecture { HiddenSizes = hidden, BatchNormalization = true, Dropout = AutoencoderAnomalyTrainer.Defaults.Dropout };
        }

        if (architecture is not null)
        {
            autoencoder.Architecture = architecture;
        }

        return detector;
    }
}
