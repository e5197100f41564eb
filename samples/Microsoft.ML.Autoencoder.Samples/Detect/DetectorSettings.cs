using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>The detector's options as the benchmark trains it: the library's defaults, unless the command line changes them.</summary>
internal static class DetectorSettings
{
    public static AutoencoderAnomalyTrainer.Options Create(DetectOptions options, int seed, AutoencoderArchitecture? architecture = null)
    {
        var detector = new AutoencoderAnomalyTrainer.Options { LatentDimension = options.LatentDimension };
        if (options.RobustTrainingFraction is double fraction)
        {
            detector.RobustTrainingFraction = fraction;
        }

        if (options.Standardize is bool standardize)
        {
            detector.Standardize = standardize;
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
            autoencoder.Architecture = new DenseArchitecture { HiddenSizes = hidden };
        }

        if (architecture is not null)
        {
            autoencoder.Architecture = architecture;
        }

        return detector;
    }
}
