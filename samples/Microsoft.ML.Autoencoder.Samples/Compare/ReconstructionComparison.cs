using System;
using System.Diagnostics;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Compare;

/// <summary>
/// Trains ML.NET's PCA and an autoencoder with the same latent size on Fashion-MNIST and measures how
/// well each reconstructs held-out images. This is the <c>compare</c> command's work.
/// </summary>
public static class ReconstructionComparison
{
    private const string FeaturesColumnName = nameof(FashionMnistImage.Features);
    private const string ProjectionColumnName = "Projection";
    private const string ReconstructionColumnName = "Reconstruction";

    /// <summary>Fits both models on <paramref name="data"/>'s training images and scores them on its held-out images.</summary>
    /// <param name="data">The images.</param>
    /// <param name="options">The latent size, epochs and seed.</param>
    /// <param name="log">Where progress is written.</param>
    public static ComparisonResult Run(FashionMnistDataset data, CompareOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var mlContext = new MLContext(seed: options.Seed);
        var train = FashionMnist.ToDataView(mlContext, data.Train);
        var heldOut = FashionMnist.ToDataView(mlContext, data.Test);

        var meanImage = MeanImage(data.Train);
        double meanImageError = MeanSquaredError(data.Test.Pixels, (row, pixel) => meanImage[pixel]);

        // PCA: fit, project the held-out images, and map the projections back to pixels.
        log.WriteLine($"Fitting PCA (rank {options.LatentDimension}) on {data.Train.Count} images...");
        var stopwatch = Stopwatch.StartNew();
        var pca = mlContext.Transforms
            .ProjectToPrincipalComponents(ProjectionColumnName, FeaturesColumnName, rank: options.LatentDimension, seed: options.Seed)
            .Fit(train);
        var pcaFitTime = stopwatch.Elapsed;

        stopwatch.Restart();
        var projections = DataViewColumns.ReadVectors(pca.Transform(heldOut), ProjectionColumnName, options.LatentDimension, data.Test.Count);
        var pcaReconstruction = PcaReconstruction.Create(mlContext, pca, ProjectionColumnName, options.LatentDimension, meanImage);
        var pcaImages = pcaReconstruction.Reconstruct(projections, data.Test.Count);
        var pcaReconstructTime = stopwatch.Elapsed;
        log.WriteLine($"  components read back: orthonormal to within {pcaReconstruction.OrthonormalityError:G2}, centred on the training mean to within {pcaReconstruction.CentringMismatch:G2} (relative)");

        // Autoencoder: fit, then read the reconstruction column of the held-out images.
        log.WriteLine($"Fitting the autoencoder (latent {options.LatentDimension}, up to {options.Epochs} epochs) on {data.Train.Count} images...");
        var estimator = mlContext.Transforms.Autoencoder(new AutoencoderEstimator.Options
        {
            InputColumnName = FeaturesColumnName,
            LatentColumnName = null,
            ReconstructionColumnName = ReconstructionColumnName,
            LatentDimension = options.LatentDimension,
            MaximumNumberOfEpochs = options.Epochs,
            BatchSize = options.BatchSize,
            Seed = options.Seed,
        });
        stopwatch.Restart();
        using var autoencoder = estimator.Fit(train);
        var autoencoderFitTime = stopwatch.Elapsed;
        foreach (var epoch in autoencoder.TrainingHistory)
        {
            log.WriteLine($"  {epoch}");
        }

        stopwatch.Restart();
        var autoencoderImages = DataViewColumns.ReadVectors(
            autoencoder.Transform(heldOut), ReconstructionColumnName, FashionMnist.PixelCount, data.Test.Count);
        var autoencoderReconstructTime = stopwatch.Elapsed;

        return new ComparisonResult(
            data.Train.Count,
            data.Test.Count,
            meanImageError,
            new ModelReconstruction("PCA", MeanSquaredError(data.Test.Pixels, pcaImages), pcaFitTime, pcaReconstructTime),
            new ModelReconstruction("Autoencoder", MeanSquaredError(data.Test.Pixels, autoencoderImages), autoencoderFitTime, autoencoderReconstructTime),
            autoencoder.TrainingHistory);
    }

    /// <summary>The squared difference between two row-major image arrays, averaged over all pixels.</summary>
    public static double MeanSquaredError(float[] expected, float[] actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"Expected {expected.Length} values, got {actual.Length}.", nameof(actual));
        }

        return MeanSquaredError(expected, (row, pixel) => actual[row * FashionMnist.PixelCount + pixel]);
    }

    private static double MeanSquaredError(float[] expected, Func<int, int, float> predict)
    {
        ArgumentNullException.ThrowIfNull(expected);
        double sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = expected[i] - predict(i / FashionMnist.PixelCount, i % FashionMnist.PixelCount);
            sum += difference * difference;
        }

        return sum / expected.Length;
    }

    private static float[] MeanImage(FashionMnistSplit images)
    {
        var sum = new double[FashionMnist.PixelCount];
        for (int i = 0; i < images.Pixels.Length; i++)
        {
            sum[i % FashionMnist.PixelCount] += images.Pixels[i];
        }

        var mean = new float[FashionMnist.PixelCount];
        for (int i = 0; i < mean.Length; i++)
        {
            mean[i] = (float)(sum[i] / images.Count);
        }

        return mean;
    }
}
