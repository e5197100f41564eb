using System;

namespace Microsoft.ML.Autoencoder.Samples.Data;

/// <summary>A set of Fashion-MNIST images held in one row-major array, with their labels.</summary>
public sealed class FashionMnistSplit
{
    /// <summary>Creates a split from row-major pixels (<c>count x 784</c>, in [0, 1]) and one label per image.</summary>
    /// <exception cref="ArgumentException">The pixel count is not 784 times the number of labels.</exception>
    public FashionMnistSplit(float[] pixels, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.Length != labels.Length * FashionMnist.PixelCount)
        {
            throw new ArgumentException(
                $"Expected {labels.Length} x {FashionMnist.PixelCount} = {labels.Length * FashionMnist.PixelCount} pixels for {labels.Length} labels, got {pixels.Length}.",
                nameof(pixels));
        }

        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>The pixels, row-major: image <c>i</c> is <c>Pixels[(i * 784)..((i + 1) * 784)]</c>.</summary>
    public float[] Pixels { get; }

    /// <summary>The class index (0 to 9) of each image.</summary>
    public byte[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The pixels of one image.</summary>
    public ReadOnlySpan<float> GetImage(int index) =>
        Pixels.AsSpan(index * FashionMnist.PixelCount, FashionMnist.PixelCount);

    /// <summary>The first <paramref name="count"/> images (all of them when there are fewer).</summary>
    public FashionMnistSplit Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        count = Math.Min(count, Count);
        return new FashionMnistSplit(Pixels[..(count * FashionMnist.PixelCount)], Labels[..count]);
    }

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public FashionMnistSplit Select(ReadOnlySpan<int> indices)
    {
        var pixels = new float[indices.Length * FashionMnist.PixelCount];
        var labels = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            GetImage(indices[i]).CopyTo(pixels.AsSpan(i * FashionMnist.PixelCount));
            labels[i] = Labels[indices[i]];
        }

        return new FashionMnistSplit(pixels, labels);
    }
}
