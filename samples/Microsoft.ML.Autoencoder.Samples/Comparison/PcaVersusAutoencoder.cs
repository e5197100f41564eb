using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>
/// The PCA-versus-autoencoder comparison on Fashion-MNIST. Every method is fitted on the training images only
/// and every number is measured on the held-out images: reconstruction error and time per latent size,
/// accuracy of the same classifiers on raw pixels and on each code, 2-D codes for a map, sample
/// reconstructions, and the reconstruction error as the training set shrinks. The <c>compare</c> command and
/// the notebook <c>samples/notebooks/PcaVsAutoencoder.ipynb</c> both call <see cref="Run"/>.
/// </summary>
public static class PcaVersusAutoencoder
{
    /// <summary>Runs the comparison.</summary>
    /// <param name="data">The training and held-out images.</param>
    /// <param name="options">What to measure.</param>
    /// <param name="progress">Told when each step starts; called on the calling thread.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named).</exception>
    public static ComparisonResult Run(FashionMnistDataset data, ComparisonOptions options, IProgress<ComparisonProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options, data);
        var stopwatch = Stopwatch.StartNew();
        var latentDimensions = options.LatentDimensions.Distinct().Order().ToArray();
        var trainingSizes = options.TrainingSizes.Where(size => size < data.Train.Count).Distinct().Order().ToArray();
        bool sweepReusesMainRun = latentDimensions.Contains(options.TrainingSizeLatentDimension);
        int totalSteps = options.Classifiers.Count * (1 + options.Methods.Count * latentDimensions.Length)
            + options.Methods.Count * latentDimensions.Length
            + (trainingSizes.Length == 0 ? 0 : options.TrainingSizeMethods.Count * (trainingSizes.Length + (sweepReusesMainRun ? 0 : 1)));
        int completedSteps = 0;
        void Start(string description) => progress?.Report(new ComparisonProgress(completedSteps++, totalSteps, description));

        var train = data.Train;
        var heldOut = data.Test;
        var training = new TrainingSettings(options.Epochs, options.BatchSize, options.Seed);
        var sampleIndices = Enumerable.Range(0, FashionMnist.ClassNames.Count)
            .Select(label => Array.IndexOf(heldOut.Labels, (byte)label))
            .Where(index => index >= 0)
            .ToArray();
        var samples = heldOut.Select(sampleIndices);
        int mapCount = Math.Min(options.MapPointCount, heldOut.Count);

        var classification = new List<ClassificationResult>();
        void Classify(string features, int dimension, float[] trainFeatures, float[] heldOutFeatures)
        {
            foreach (var classifier in options.Classifiers)
            {
                Start($"{classifier} on {(features == ComparisonResult.RawPixels ? "raw pixels" : $"{features} codes (k = {dimension})")}");
                var (accuracy, trainTime) = DownstreamClassification.Evaluate(
                    classifier, trainFeatures, train.Labels, heldOutFeatures, heldOut.Labels, dimension, options.Seed);
                classification.Add(new ClassificationResult(features, dimension, classifier, accuracy, trainTime));
            }
        }

        Classify(ComparisonResult.RawPixels, FashionMnist.PixelCount, train.Pixels, heldOut.Pixels);

        var methods = new List<MethodResult>();
        foreach (int latentDimension in latentDimensions)
        {
            foreach (var method in options.Methods)
            {
                Start($"Fitting {method.Name} (k = {latentDimension}) on {train.Count} images");
                var run = method.Fit(train, heldOut, latentDimension, training);
                methods.Add(Summarize(run, sampleIndices, latentDimension == 2 ? mapCount : 0, heldOut));
                Classify(method.Name, latentDimension, run.TrainCodes, run.HeldOutCodes);
            }
        }

        var sizes = new List<TrainingSizeResult>();
        if (trainingSizes.Length > 0)
        {
            int latentDimension = options.TrainingSizeLatentDimension;
            foreach (var method in options.TrainingSizeMethods)
            {
                foreach (int size in trainingSizes)
                {
                    // The same gradient-step budget as on the full set: only the amount of data changes.
                    int epochs = (int)Math.Ceiling((double)options.Epochs * train.Count / size);
                    Start($"Fitting {method.Name} (k = {latentDimension}) on {size} images{(method.IsTrainedByGradientDescent ? $", up to {epochs} epochs" : "")}");
                    var subset = FashionMnist.Split(train, size, options.Seed, data.Source).Train;
                    var run = method.Fit(subset, heldOut, latentDimension, training with { Epochs = epochs });
                    sizes.Add(new TrainingSizeResult(
                        method.Name, size, latentDimension, ImageMath.MeanSquaredError(heldOut.Pixels, run.HeldOutReconstructions), EpochsOf(method, run)));
                }

                var full = methods.FirstOrDefault(result => result.Method == method.Name && result.LatentDimension == latentDimension);
                if (full is null)
                {
                    Start($"Fitting {method.Name} (k = {latentDimension}) on {train.Count} images");
                    var run = method.Fit(train, heldOut, latentDimension, training);
                    full = Summarize(run, sampleIndices, 0, heldOut);
                }

                sizes.Add(new TrainingSizeResult(method.Name, train.Count, latentDimension, full.HeldOutMeanSquaredError, full.Epochs));
            }
        }

        completedSteps = totalSteps;
        Start("done");
        return new ComparisonResult
        {
            DataSource = data.Source,
            TrainCount = train.Count,
            HeldOutCount = heldOut.Count,
            Options = options,
            MethodNames = options.Methods.Select(method => method.Name).ToArray(),
            MeanImageError = ImageMath.MeanImageError(heldOut, ImageMath.MeanImage(train)),
            Methods = methods,
            Classification = classification,
            TrainingSizes = sizes,
            SampleImages = samples.Pixels,
            SampleLabels = samples.Labels,
            MapLabels = heldOut.Labels[..mapCount],
            Elapsed = stopwatch.Elapsed,
        };
    }

    private static MethodResult Summarize(MethodRun run, int[] sampleIndices, int mapCount, FashionMnistSplit heldOut)
    {
        var sampleReconstructions = new float[sampleIndices.Length * FashionMnist.PixelCount];
        for (int i = 0; i < sampleIndices.Length; i++)
        {
            run.HeldOutReconstructions.AsSpan(sampleIndices[i] * FashionMnist.PixelCount, FashionMnist.PixelCount)
                .CopyTo(sampleReconstructions.AsSpan(i * FashionMnist.PixelCount));
        }

        return new MethodResult(
            run.Method,
            run.LatentDimension,
            ImageMath.MeanSquaredError(heldOut.Pixels, run.HeldOutReconstructions),
            run.FitTime,
            run.TransformTime,
            run.TrainingHistory.Count == 0 ? null : run.TrainingHistory.Count,
            sampleReconstructions,
            mapCount > 0 ? run.HeldOutCodes[..(mapCount * 2)] : null);
    }

    private static int? EpochsOf(ComparisonMethod method, MethodRun run)
        => method.IsTrainedByGradientDescent ? run.TrainingHistory.Count : null;

    private static void Validate(ComparisonOptions options, FashionMnistDataset data)
    {
        if (options.LatentDimensions is null || options.LatentDimensions.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(options.LatentDimensions), "Give at least one latent size.");
        foreach (int latentDimension in options.LatentDimensions.Append(options.TrainingSizeLatentDimension))
        {
            if (latentDimension < 1 || latentDimension >= FashionMnist.PixelCount)
                throw new ArgumentOutOfRangeException(nameof(options.LatentDimensions), latentDimension, $"Latent sizes must be in [1, {FashionMnist.PixelCount - 1}].");
            if (latentDimension > data.Train.Count)
                throw new ArgumentOutOfRangeException(nameof(options.LatentDimensions), latentDimension, $"A latent size cannot exceed the {data.Train.Count} training images.");
        }

        if (options.Methods is null || options.Methods.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(options.Methods), "Give at least one method.");
        if (options.Methods.Select(method => method.Name).Distinct().Count() != options.Methods.Count)
            throw new ArgumentException("Method names must differ.", nameof(options.Methods));
        if (options.Classifiers is null)
            throw new ArgumentNullException(nameof(options.Classifiers));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Epochs, nameof(options.Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MapPointCount, nameof(options.MapPointCount));
        if (options.TrainingSizes is null)
            throw new ArgumentNullException(nameof(options.TrainingSizes));
        if (options.TrainingSizeMethods is null)
            throw new ArgumentNullException(nameof(options.TrainingSizeMethods));
        if (options.TrainingSizeMethods.FirstOrDefault(method => !options.Methods.Contains(method)) is { } stranger)
            throw new ArgumentException($"Training-size method '{stranger.Name}' is not one of the compared methods.", nameof(options.TrainingSizeMethods));
        foreach (int size in options.TrainingSizes)
        {
            if (size <= options.TrainingSizeLatentDimension)
                throw new ArgumentOutOfRangeException(nameof(options.TrainingSizes), size, $"Training sizes must exceed the latent size {options.TrainingSizeLatentDimension}.");
        }

        if (data.Train.Count == 0 || data.Test.Count == 0)
            throw new ArgumentException("The data needs training and held-out images.", nameof(data));
    }
}
