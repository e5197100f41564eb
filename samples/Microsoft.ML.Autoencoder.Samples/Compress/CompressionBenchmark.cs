using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using Microsoft.ML.Autoencoder.Samples.Data;
using SkiaSharp;

namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>
/// Measures bytes per held-out image against held-out error for the autoencoders' compressed codes
/// (<see cref="AutoencoderTransformer.Compress(float[], CodePrecision)"/>), PCA's coefficients quantized the same way,
/// and standard codecs (<see cref="ImageCodecs"/>).
/// </summary>
internal static class CompressionBenchmark
{
    private const string FeaturesColumnName = nameof(FashionMnistImage.Features);
    private const string ProjectionColumnName = "Projection";
    private const int Pixels = FashionMnist.PixelCount;

    public static CompressionResult Run(FashionMnistDataset data, CompressOptions options, Action<string> log)
    {
        var train = options.TrainCount is int trainCount ? data.Train.Take(trainCount) : data.Train;
        var heldOut = options.HeldOutCount is int heldOutCount ? data.Test.Take(heldOutCount) : data.Test;
        var result = new CompressionResult { DataSource = data.Source, TrainCount = train.Count, HeldOutCount = heldOut.Count };

        MeasureCodecs(heldOut, options, result);
        log($"codecs: {result.Points.Count} points");
        foreach (int k in options.PcaComponents)
            MeasurePca(train, heldOut, k, options, result);
        log($"PCA: {options.PcaComponents.Length} component counts");

        foreach (int k in options.LatentDimensions)
        {
            MeasureAutoencoder("Dense AE", new DenseArchitecture(), train, heldOut, k, options, result, log);
            if (options.Convolutional)
            {
                var convolutional = new ConvolutionalArchitecture { Channels = 1, Height = FashionMnist.ImageSide, Width = FashionMnist.ImageSide };
                MeasureAutoencoder("Conv AE", convolutional, train, heldOut, k, options, result, log);
            }
        }

        return result;
    }

    /// <summary>PNG, gzip and Brotli (lossless) and JPEG and WebP at each quality, one image at a time; gzip and Brotli also of all images in one stream.</summary>
    private static void MeasureCodecs(FashionMnistSplit heldOut, CompressOptions options, CompressionResult result)
    {
        var images = Enumerable.Range(0, heldOut.Count).Select(i => ImageCodecs.ToBytes(heldOut.GetImage(i))).ToArray();
        double n = heldOut.Count;
        result.Points.Add(new RatePoint("raw 8-bit", "784 bytes", Pixels, 0, 0, 0));
        result.Points.Add(new RatePoint("PNG", "per image", images.Sum(image => (double)ImageCodecs.Encode(image, SKEncodedImageFormat.Png, 100).Length) / n, 0, 0, 0));
        result.Points.Add(new RatePoint("gzip", "per image", images.Sum(image => (double)ImageCodecs.Gzip(image).Length) / n, 0, 0, 0));
        result.Points.Add(new RatePoint("Brotli", "per image", images.Sum(image => (double)ImageCodecs.Brotli(image).Length) / n, 0, 0, 0));
        var all = images.SelectMany(image => image).ToArray();
        result.Points.Add(new RatePoint("gzip", "all images in one stream", ImageCodecs.Gzip(all).Length / n, 0, 0, 0));
        result.Points.Add(new RatePoint("Brotli", "all images in one stream", ImageCodecs.Brotli(all).Length / n, 0, 0, 0));

        foreach (var (name, format) in new[] { ("JPEG", SKEncodedImageFormat.Jpeg), ("WebP", SKEncodedImageFormat.Webp) })
        {
            foreach (int quality in options.Qualities)
            {
                double bytes = 0, error = 0;
                for (int i = 0; i < images.Length; i++)
                {
                    var encoded = ImageCodecs.Encode(images[i], format, quality);
                    bytes += encoded.Length;
                    error += ImageCodecs.MeanSquaredError(heldOut.GetImage(i), ImageCodecs.Decode(encoded));
                }

                result.Points.Add(new RatePoint(name, $"quality {quality}", bytes / n, error / n, 0, 0));
            }
        }
    }

    /// <summary>
    /// ML.NET's PCA with <paramref name="k"/> components; its coefficients stored as the library stores codes (8 bits
    /// over each coefficient's training range, or float16) and reconstructed, clamped to [0, 1].
    /// </summary>
    private static void MeasurePca(FashionMnistSplit train, FashionMnistSplit heldOut, int k, CompressOptions options, CompressionResult result)
    {
        var ml = new MLContext(seed: options.Seed);
        var stopwatch = Stopwatch.StartNew();
        var pca = ml.Transforms.ProjectToPrincipalComponents(ProjectionColumnName, FeaturesColumnName, rank: k, seed: options.Seed)
            .Fit(FashionMnist.ToDataView(ml, train));
        var reconstruction = PcaReconstruction.Create(ml, pca, ProjectionColumnName, k, ImageMath.MeanImage(train));
        double fitSeconds = stopwatch.Elapsed.TotalSeconds;
        var trainCodes = DataViewColumns.ReadVectors(pca.Transform(FashionMnist.ToDataView(ml, train)), ProjectionColumnName, k, train.Count);
        var codes = DataViewColumns.ReadVectors(pca.Transform(FashionMnist.ToDataView(ml, heldOut)), ProjectionColumnName, k, heldOut.Count);

        var minimum = new float[k];
        var maximum = new float[k];
        for (int j = 0; j < k; j++)
        {
            minimum[j] = Enumerable.Range(0, train.Count).Min(i => trainCodes[i * k + j]);
            maximum[j] = Enumerable.Range(0, train.Count).Max(i => trainCodes[i * k + j]);
        }

        // What a receiver needs: the components (784 x k), the mean image and the ranges, as float32.
        long modelBytes = (Pixels * (long)k + Pixels + 2L * k) * sizeof(float);
        var eightBit = codes.Select((value, i) => Quantize8(value, minimum[i % k], maximum[i % k])).ToArray();
        var half = codes.Select(value => (float)(Half)value).ToArray();
        foreach (var (precision, bytesPerValue, quantized) in new[] { ("8-bit", 1, eightBit), ("float16", 2, half) })
        {
            var images = reconstruction.Reconstruct(quantized);
            for (int i = 0; i < images.Length; i++)
                images[i] = Math.Clamp(images[i], 0, 1);
            result.Points.Add(new RatePoint($"PCA, {precision}", $"k = {k}", (double)k * bytesPerValue, MeanSquaredError(heldOut, images), modelBytes, fitSeconds));
        }
    }

    /// <summary>The 8-bit quantization of <see cref="CodePrecision.Byte"/>: the nearest of 256 steps over the training range, clamped.</summary>
    private static float Quantize8(float value, float minimum, float maximum)
    {
        double scale = ((double)maximum - minimum) / 255;
        if (scale == 0)
            return minimum;
        double step = Math.Clamp(Math.Round((value - (double)minimum) / scale, MidpointRounding.AwayFromZero), 0, 255);
        return (float)(minimum + step * scale);
    }

    private static void MeasureAutoencoder(
        string name, AutoencoderArchitecture architecture, FashionMnistSplit train, FashionMnistSplit heldOut, int k, CompressOptions options, CompressionResult result, Action<string> log)
    {
        var ml = new MLContext(seed: options.Seed);
        var trainView = FashionMnist.ToDataView(ml, train);
        var stopwatch = Stopwatch.StartNew();
        using var autoencoder = ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
        {
            InputColumnName = FeaturesColumnName,
            LatentColumnName = "Latent",
            LatentDimension = k,
            Architecture = architecture,
            MaximumNumberOfEpochs = options.Epochs,
            BatchSize = options.BatchSize,
            Seed = options.Seed,
            NumberOfThreads = 1,
        }).Fit(trainView);
        double fitSeconds = stopwatch.Elapsed.TotalSeconds;

        long modelBytes;
        using (var model = new MemoryStream())
        {
            ml.Model.Save(autoencoder, trainView.Schema, model);
            modelBytes = model.Length;
        }

        var rows = heldOut.Pixels;
        var reconstruction = autoencoder.Reconstruct(rows);
        result.Points.Add(new RatePoint($"{name}, float32", $"k = {k}", 4.0 * k, MeanSquaredError(heldOut, reconstruction), modelBytes, fitSeconds));
        foreach (var (label, precision) in new[] { ("8-bit", CodePrecision.Byte), ("float16", CodePrecision.Float16) })
        {
            var bytes = autoencoder.Compress(rows, precision);
            var decompressed = autoencoder.Decompress(bytes).SelectMany(row => row).ToArray();
            result.Points.Add(new RatePoint($"{name}, {label}", $"k = {k}", bytes.Length / (double)heldOut.Count, MeanSquaredError(heldOut, decompressed), modelBytes, fitSeconds));
        }

        log($"{name} k = {k}: {autoencoder.TrainingHistory.Count} epochs, {fitSeconds:F1} s, model {modelBytes:N0} bytes");
    }

    private static double MeanSquaredError(FashionMnistSplit images, float[] reconstructions)
    {
        double sum = 0;
        for (int i = 0; i < images.Count; i++)
            sum += ImageMath.MeanSquaredError(images.GetImage(i), reconstructions.AsSpan(i * Pixels, Pixels));
        return sum / images.Count;
    }
}
