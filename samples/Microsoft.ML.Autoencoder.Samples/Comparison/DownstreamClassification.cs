using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>
/// Trains one <see cref="DownstreamClassifier"/> on features of the training images (raw pixels or codes) and
/// measures its accuracy on the held-out images' features.
/// </summary>
public static class DownstreamClassification
{
    /// <summary>The maximum number of passes SDCA makes over the training features.</summary>
    public const int SdcaIterations = 30;

    /// <summary>The number of LightGBM boosting iterations (each grows one tree per class).</summary>
    public const int LightGbmIterations = 50;

    /// <summary>Trains <paramref name="classifier"/> and returns its held-out accuracy (fraction of images whose class it predicts).</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="trainFeatures">The training features, row-major, <paramref name="dimension"/> per image.</param>
    /// <param name="trainLabels">The training labels (0 to 9).</param>
    /// <param name="heldOutFeatures">The held-out features, row-major.</param>
    /// <param name="heldOutLabels">The held-out labels.</param>
    /// <param name="dimension">The number of features per image.</param>
    /// <param name="seed">The seed of the MLContext and of LightGBM.</param>
    /// <returns>The accuracy and the training time.</returns>
    public static (double Accuracy, TimeSpan TrainTime) Evaluate(
        DownstreamClassifier classifier, float[] trainFeatures, byte[] trainLabels, float[] heldOutFeatures, byte[] heldOutLabels, int dimension, int seed)
    {
        ArgumentNullException.ThrowIfNull(trainFeatures);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(heldOutFeatures);
        ArgumentNullException.ThrowIfNull(heldOutLabels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        var mlContext = new MLContext(seed: seed);
        var train = ToDataView(mlContext, trainFeatures, trainLabels, dimension);
        var heldOut = ToDataView(mlContext, heldOutFeatures, heldOutLabels, dimension);

        var stopwatch = Stopwatch.StartNew();
        var model = CreatePipeline(mlContext, classifier, seed).Fit(train);
        var trainTime = stopwatch.Elapsed;

        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(heldOut));
        return (metrics.MicroAccuracy, trainTime);
    }

    private static IEstimator<ITransformer> CreatePipeline(MLContext mlContext, DownstreamClassifier classifier, int seed)
    {
        // The cache keeps the features in memory once: SDCA passes over its training data many times.
        var label = mlContext.Transforms.Conversion.MapValueToKey(nameof(Row.Label)).AppendCacheCheckpoint(mlContext);
        const string features = nameof(Row.Features);
        return classifier switch
        {
            // One thread each: SDCA is only deterministic single-threaded, and every method in the comparison
            // runs on one thread so that times compare like with like.
            DownstreamClassifier.SdcaMaximumEntropy => label
                .Append(mlContext.Transforms.NormalizeMeanVariance(features))
                .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = nameof(Row.Label),
                    FeatureColumnName = features,
                    NumberOfThreads = 1,
                    MaximumNumberOfIterations = SdcaIterations,
                })),
            DownstreamClassifier.LightGbm => label
                .Append(mlContext.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
                {
                    LabelColumnName = nameof(Row.Label),
                    FeatureColumnName = features,
                    Seed = seed,
                    NumberOfIterations = LightGbmIterations,
                    NumberOfThreads = 1,
                    Silent = true,
                })),
            _ => throw new ArgumentOutOfRangeException(nameof(classifier), classifier, "Unknown classifier."),
        };
    }

    private static IDataView ToDataView(MLContext mlContext, float[] features, byte[] labels, int dimension)
    {
        if (features.Length != labels.Length * dimension)
        {
            throw new ArgumentException($"Expected {labels.Length} x {dimension} features for {labels.Length} labels, got {features.Length}.", nameof(features));
        }

        var rows = Enumerable.Range(0, labels.Length)
            .Select(i => new Row { Features = features.AsSpan(i * dimension, dimension).ToArray(), Label = labels[i] })
            .ToArray();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }
}
