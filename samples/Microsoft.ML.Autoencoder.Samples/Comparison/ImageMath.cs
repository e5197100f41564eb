using System;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>Pixel arithmetic shared by the comparison: the mean image and the mean squared error.</summary>
public static class ImageMath
{
    /// <summary>The squared difference between two arrays of pixels, averaged over all of them.</summary>
    /// <exception cref="ArgumentException">The arrays have different lengths or are empty.</exception>
    public static double MeanSquaredError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"Expected {expected.Length} values, got {actual.Length}.", nameof(actual));
        }

        if (expected.IsEmpty)
        {
            throw new ArgumentException("There are no values to compare.", nameof(expected));
        }

        double sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = expected[i] - actual[i];
            sum += difference * difference;
        }

        return sum / expected.Length;
    }

    /// <summary>The pixel-wise mean of the images: what every image looks like on average.</summary>
    public static float[] MeanImage(FashionMnistSplit images)
    {
        ArgumentNullException.ThrowIfNull(images);
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

    /// <summary>
    /// The error of the simplest "model": predicting <paramref name="trainingMean"/> for every image of
    /// <paramref name="images"/>. Any useful code must beat it.
    /// </summary>
    public static double MeanImageError(FashionMnistSplit images, float[] trainingMean)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(trainingMean);
        var predictions = new float[images.Pixels.Length];
        for (int row = 0; row < images.Count; row++)
        {
            trainingMean.CopyTo(predictions.AsSpan(row * FashionMnist.PixelCount));
        }

        return MeanSquaredError(images.Pixels, predictions);
    }
}
