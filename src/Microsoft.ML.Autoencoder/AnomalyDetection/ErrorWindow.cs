using System;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// The reconstruction error of an image at the scale of its shapes rather than its single pixels: the residual
    /// (standardized row minus reconstruction) averaged over each <see cref="Size"/> x <see cref="Size"/> window of each
    /// channel (stride 1, windows inside the image only), squared, and averaged over the windows. A texture a network cannot
    /// reproduce pixel for pixel (a print, a weave) averages out within a window; a missing sleeve or an extra strap does
    /// not. For the explanation, each window's squared mean is shared equally among its pixels.
    /// </summary>
    internal sealed record ErrorWindow(int Channels, int Height, int Width, int Size)
    {
        public int FeatureCount => Channels * Height * Width;

        /// <summary>The number of windows: the divisor of the score.</summary>
        public int WindowCount => Channels * (Height - Size + 1) * (Width - Size + 1);

        /// <summary>Checks that the shape and window fit <paramref name="featureCount"/> features; names the options.</summary>
        public static void Check(int channels, int height, int width, int size, int featureCount)
        {
            if (channels <= 0 || height <= 0 || width <= 0)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderAnomalyTrainer.Options.ImageHeight), $"The image shape {channels} x {height} x {width} (ImageChannels x ImageHeight x ImageWidth) must be positive.");
            if ((long)channels * height * width != featureCount)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderAnomalyTrainer.Options.ImageHeight),
                    $"The image shape {channels} x {height} x {width} (ImageChannels x ImageHeight x ImageWidth) has {(long)channels * height * width} values, but the feature column has {featureCount}.");
            if (size < 1 || size > Math.Min(height, width))
                throw new ArgumentOutOfRangeException(nameof(AutoencoderAnomalyTrainer.Options.ErrorWindowSize), size,
                    $"The error window must be at least 1 and at most the image's smaller side ({Math.Min(height, width)}).");
        }

        /// <summary>
        /// Adds <paramref name="weight"/> times the windowed error of residual <paramref name="residual"/> (one row) to
        /// <paramref name="rowError"/>, and, when <paramref name="shares"/> is not empty, each pixel's part of it to
        /// <paramref name="shares"/> (they sum to the window count times the added error). <paramref name="sums"/> is scratch
        /// space of <see cref="FeatureCount"/> values.
        /// </summary>
        public void Add(ReadOnlySpan<float> residual, Span<float> sums, ref double rowError, Span<float> shares, double weight)
        {
            int h = Height, w = Width, k = Size, oh = h - k + 1, ow = w - k + 1, plane = h * w;
            double area = k * k, total = 0;
            for (int c = 0; c < Channels; c++)
            {
                var image = residual.Slice(c * plane, plane);
                // Horizontal sums of k pixels (row y, window start x), then vertical sums of k of them.
                var horizontal = sums.Slice(c * plane, plane);
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        float s = 0;
                        for (int dx = 0; dx < k; dx++)
                            s += image[y * w + x + dx];
                        horizontal[y * w + x] = s;
                    }
                }
                for (int y = 0; y < oh; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        double s = 0;
                        for (int dy = 0; dy < k; dy++)
                            s += horizontal[(y + dy) * w + x];
                        double mean = s / area, squared = mean * mean;
                        total += squared;
                        if (shares.IsEmpty)
                            continue;
                        float part = (float)(squared * weight / area);
                        var pixels = shares.Slice(c * plane, plane);
                        for (int dy = 0; dy < k; dy++)
                        {
                            for (int dx = 0; dx < k; dx++)
                                pixels[(y + dy) * w + x + dx] += part;
                        }
                    }
                }
            }
            rowError += weight * total / WindowCount;
        }
    }
}
