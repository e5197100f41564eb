using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>Everything <see cref="PcaVersusAutoencoder.Run"/> measured, ready for tables, plots and the report.</summary>
public sealed class ComparisonResult
{
    /// <summary>The <see cref="ClassificationResult.Features"/> of classifiers trained on the 784 pixels themselves.</summary>
    public const string RawPixels = "Raw pixels";

    /// <summary>Where the images came from and how they were split.</summary>
    public required string DataSource { get; init; }

    /// <summary>The number of training images.</summary>
    public required int TrainCount { get; init; }

    /// <summary>The number of held-out images every score is measured on.</summary>
    public required int HeldOutCount { get; init; }

    /// <summary>The options of the run.</summary>
    public required ComparisonOptions Options { get; init; }

    /// <summary>The methods' names, in the order of <see cref="ComparisonOptions.Methods"/>.</summary>
    public required IReadOnlyList<string> MethodNames { get; init; }

    /// <summary>The held-out error of predicting the training images' mean image for every image: the baseline to beat.</summary>
    public required double MeanImageError { get; init; }

    /// <summary>Every method at every latent size.</summary>
    public required IReadOnlyList<MethodResult> Methods { get; init; }

    /// <summary>Every classifier on raw pixels and on every method's codes.</summary>
    public required IReadOnlyList<ClassificationResult> Classification { get; init; }

    /// <summary>The training-size experiment (including the full training set), or empty.</summary>
    public required IReadOnlyList<TrainingSizeResult> TrainingSizes { get; init; }

    /// <summary>The held-out images shown in the image grid (one per class), row-major.</summary>
    public required float[] SampleImages { get; init; }

    /// <summary>The classes of <see cref="SampleImages"/>.</summary>
    public required byte[] SampleLabels { get; init; }

    /// <summary>The classes of the held-out images drawn in the 2-D maps.</summary>
    public required byte[] MapLabels { get; init; }

    /// <summary>The time the whole run took.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The latent sizes, ascending.</summary>
    public IReadOnlyList<int> LatentDimensions => Methods.Select(result => result.LatentDimension).Distinct().Order().ToArray();

    /// <summary>The result of <paramref name="method"/> at <paramref name="latentDimension"/>, or null when it was not run.</summary>
    public MethodResult? Find(string method, int latentDimension)
        => Methods.FirstOrDefault(result => result.Method == method && result.LatentDimension == latentDimension);

    /// <summary>The accuracy of <paramref name="classifier"/> on <paramref name="features"/>, or null when it was not run.</summary>
    public double? Accuracy(string features, int dimension, DownstreamClassifier classifier)
        => Classification.FirstOrDefault(result => result.Features == features && result.Dimension == dimension && result.Classifier == classifier)?.Accuracy;
}
