using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Classify;

/// <summary>
/// The autoencoder as dimensionality reduction before a classifier: trains ML.NET's
/// <c>SdcaMaximumEntropy</c> on Fashion-MNIST's raw pixels, on PCA codes and on autoencoder codes of the
/// same size, and evaluates each on held-out images. This is the <c>classify</c> command's work.
/// </summary>
public static class ClassificationComparison
{
    private const string FeaturesColumnName = nameof(FashionMnistImage.Features);
    private const string LabelColumnName = nameof(FashionMnistImage.Label);
    private const string CodeColumnName = "Code";
    private const string PredictedClassColumnName = "PredictedClass";

    /// <summary>Fits the three pipelines on <paramref name="data"/>'s training images and evaluates them on its held-out images.</summary>
    /// <param name="data">The images.</param>
    /// <param name="options">The code size, epochs, classifier iterations and seed.</param>
    /// <param name="log">Where progress is written.</param>
    public static ClassificationResult Run(FashionMnistDataset data, ClassifyOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var mlContext = new MLContext(seed: options.Seed);
        var train = FashionMnist.ToDataView(mlContext, data.Train);
        var heldOut = FashionMnist.ToDataView(mlContext, data.Test);

        // Every pipeline starts alike: the label becomes a key (multiclass trainers need one), and the
        // pixels are scaled to [0, 1] per pixel, which the autoencoder's sigmoid output expects.
        IEstimator<ITransformer> Start() => mlContext.Transforms.Conversion.MapValueToKey(LabelColumnName)
            .Append(mlContext.Transforms.NormalizeMinMax(FeaturesColumnName));

        log.WriteLine($"Raw pixels ({FashionMnist.PixelCount} features)...");
        var (rawPixels, _) = FitAndEvaluate(mlContext, "raw pixels", FashionMnist.PixelCount, Start(), FeaturesColumnName, train, heldOut, options, log);

        log.WriteLine($"PCA codes (rank {options.CodeDimension})...");
        var pcaCodes = Start()
            .Append(mlContext.Transforms.ProjectToPrincipalComponents(CodeColumnName, FeaturesColumnName, rank: options.CodeDimension, seed: options.Seed))
            .Append(mlContext.Transforms.NormalizeMinMax(CodeColumnName));
        var (pca, _) = FitAndEvaluate(mlContext, "PCA codes", options.CodeDimension, pcaCodes, CodeColumnName, train, heldOut, options, log);

        log.WriteLine($"Autoencoder codes (latent {options.CodeDimension}, up to {options.AutoencoderEpochs} epochs)...");
        var autoencoderCodes = Start()
            .Append(mlContext.Transforms.Autoencoder(new AutoencoderEstimator.Options
            {
                InputColumnName = FeaturesColumnName,
                LatentColumnName = CodeColumnName,
                LatentDimension = options.CodeDimension,
                MaximumNumberOfEpochs = options.AutoencoderEpochs,
                BatchSize = options.BatchSize,
                Seed = options.Seed,
            }))
            .Append(mlContext.Transforms.NormalizeMinMax(CodeColumnName));
        var (autoencoder, autoencoderModel) = FitAndEvaluate(mlContext, "autoencoder codes", options.CodeDimension, autoencoderCodes, CodeColumnName, train, heldOut, options, log);
        var history = Flatten(autoencoderModel).OfType<AutoencoderTransformer>().Single().TrainingHistory;
        log.WriteLine($"  the autoencoder trained for {history.Count} epochs ({history.Sum(epoch => epoch.Seconds):F1} s); last: {history[^1]}");

        // The trained pipeline on one image at a time, as an application would use it.
        using var engine = mlContext.Model.CreatePredictionEngine<FashionMnistImage, Prediction>(autoencoderModel);
        var first = new FashionMnistImage { Features = data.Test.GetImage(0).ToArray(), Label = data.Test.Labels[0] };
        var prediction = engine.Predict(first);
        var example = new ExamplePrediction(
            FashionMnist.ClassNames[(int)first.Label], FashionMnist.ClassNames[(int)prediction.PredictedClass], prediction.Score.Max());

        return new ClassificationResult(data.Train.Count, data.Test.Count, rawPixels, pca, autoencoder, example);
    }

    /// <summary>
    /// Appends the classifier to <paramref name="representation"/>, fits the whole pipeline and evaluates it on
    /// the held-out images.
    /// </summary>
    private static (FeatureAccuracy Accuracy, ITransformer Model) FitAndEvaluate(
        MLContext mlContext, string name, int dimension, IEstimator<ITransformer> representation, string featureColumnName,
        IDataView train, IDataView heldOut, ClassifyOptions options, TextWriter log)
    {
        // The cache keeps the features computed once: SDCA passes over its training data many times.
        var pipeline = representation
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                labelColumnName: LabelColumnName, featureColumnName: featureColumnName, maximumNumberOfIterations: options.ClassifierIterations))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue(PredictedClassColumnName, "PredictedLabel"));

        var stopwatch = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        var fitTime = stopwatch.Elapsed;
        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(heldOut), labelColumnName: LabelColumnName);
        log.WriteLine($"  fitted in {fitTime.TotalSeconds:F1} s; held-out micro accuracy {metrics.MicroAccuracy:F4}, macro accuracy {metrics.MacroAccuracy:F4}");
        return (new FeatureAccuracy(name, dimension, metrics.MicroAccuracy, metrics.MacroAccuracy, fitTime), model);
    }

    /// <summary>The transformers of a fitted pipeline, nested chains flattened (appending to a chain can nest it).</summary>
    private static IEnumerable<ITransformer> Flatten(ITransformer model)
        => model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];

    /// <summary>What the pipeline predicts for one image.</summary>
    private sealed class Prediction
    {
        /// <summary>The predicted class index, 0 to 9.</summary>
        public uint PredictedClass { get; set; }

        /// <summary>The probability of each class, in the order the classes first appeared in training.</summary>
        public float[] Score { get; set; } = [];
    }
}
