using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Generate;

/// <summary>
/// The autoencoder as a generator: trains a dense, a convolutional and a variational autoencoder on
/// Fashion-MNIST and draws what they make as PNG image grids: reconstructions of held-out images, samples
/// from the variational model's prior and interpolations between two held-out images in latent space.
/// This is the <c>generate</c> command's work.
/// </summary>
public static class ImageGeneration
{
    /// <summary>The file of held-out images (one per class) and their reconstructions by each model.</summary>
    public const string ReconstructionsFileName = "reconstructions.png";

    /// <summary>The file of images decoded from draws from the variational model's prior.</summary>
    public const string SamplesFileName = "vae-samples.png";

    /// <summary>The file of interpolations between two held-out images.</summary>
    public const string InterpolationFileName = "interpolation.png";

    private const string FeaturesColumnName = nameof(FashionMnistImage.Features);

    /// <summary>Trains the three models on <paramref name="data"/>'s training images and writes the three PNG files.</summary>
    /// <param name="data">The images; the held-out ones must include every class.</param>
    /// <param name="options">The sizes, epochs, seed and output folder.</param>
    /// <param name="log">Where progress is written.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The held-out images lack a class.</exception>
    public static GenerationResult Run(FashionMnistDataset data, GenerateOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(log);
        Validate(options);
        int[] shown = OneImagePerClass(data.Test);
        var mlContext = new MLContext(seed: options.Seed);
        var train = FashionMnist.ToDataView(mlContext, data.Train);

        // The same dense shape for the plain and the variational model, so that their rows compare the
        // variational objective, not the network. Binary cross-entropy suits pixels in [0, 1] and is what makes
        // the variational loss the usual evidence lower bound.
        var models = new List<ModelSummary>();
        using var dense = Fit(mlContext, train, data.Test, "dense", new DenseArchitecture { HiddenSizes = [256] }, variational: false, options, models, log);
        using var convolutional = Fit(mlContext, train, data.Test, "convolutional",
            new ConvolutionalArchitecture { Channels = 1, Height = FashionMnist.ImageSide, Width = FashionMnist.ImageSide }, variational: false, options, models, log);
        using var vae = Fit(mlContext, train, data.Test, "VAE", new DenseArchitecture { HiddenSizes = [256] }, variational: true, options, models, log);

        Directory.CreateDirectory(options.OutputDirectory);
        var originals = data.Test.Select(shown).Pixels;
        var from = data.Test.GetImage(shown[options.InterpolationFromClass]).ToArray();
        var to = data.Test.GetImage(shown[options.InterpolationToClass]).ToArray();
        string[] files =
        [
            Write(options, ReconstructionsFileName, DrawReconstructions(originals, [dense, convolutional, vae], models, data.Test.Count, options)),
            Write(options, SamplesFileName, DrawSamples(vae, options)),
            Write(options, InterpolationFileName, DrawInterpolations(from, to, vae, dense, options)),
        ];
        return new GenerationResult(data.Train.Count, data.Test.Count, models, files);
    }

    /// <summary>The originals (one per class) in the first row, then each model's reconstructions of them.</summary>
    private static byte[] DrawReconstructions(
        float[] originals, AutoencoderTransformer[] transformers, IReadOnlyList<ModelSummary> models, int heldOutCount, GenerateOptions options)
    {
        var rows = new List<ImageGridRow> { new("original", originals) };
        for (int i = 0; i < transformers.Length; i++)
            rows.Add(new ImageGridRow(Invariant($"{models[i].Name} (MSE {models[i].HeldOutMeanSquaredError:F4})"), transformers[i].Reconstruct(originals)));
        return ImageGridPlot.Render(
            "Held-out images and their reconstructions",
            Invariant($"one held-out image per class; latent {options.LatentDimension}; MSE: mean squared error per pixel over all {heldOutCount} held-out images"),
            FashionMnist.ClassNames,
            rows);
    }

    /// <summary>A square grid of images that the variational model decodes from draws from its prior.</summary>
    private static byte[] DrawSamples(AutoencoderTransformer vae, GenerateOptions options)
    {
        int side = options.SampleGridSide;
        var samples = vae.Sample(side * side, options.Seed);
        int rowLength = side * FashionMnist.PixelCount;
        return ImageGridPlot.Render(
            Invariant($"VAE: {side * side} images decoded from draws from the prior N(0, I)"),
            Invariant($"latent {options.LatentDimension}, seed {options.Seed}"),
            columnHeaders: null,
            Enumerable.Range(0, side).Select(r => new ImageGridRow("", samples[(r * rowLength)..((r + 1) * rowLength)])).ToArray());
    }

    /// <summary>
    /// The paths from one held-out image to another through each model's latent space, and the pixel-wise blend
    /// for contrast; each row starts with the original <paramref name="from"/> and ends with the original <paramref name="to"/>.
    /// </summary>
    private static byte[] DrawInterpolations(float[] from, float[] to, AutoencoderTransformer vae, AutoencoderTransformer dense, GenerateOptions options)
    {
        int steps = options.InterpolationSteps;
        var headers = new List<string> { "from" };
        headers.AddRange(Enumerable.Range(0, steps).Select(step => Invariant($"t = {step / (double)(steps - 1):0.##}")));
        headers.Add("to");
        return ImageGridPlot.Render(
            $"Interpolation from a held-out {FashionMnist.ClassNames[options.InterpolationFromClass]} to a held-out {FashionMnist.ClassNames[options.InterpolationToClass]}",
            "latent rows decode (1 - t) code(from) + t code(to); the last row blends the pixels instead",
            headers,
            [
                new ImageGridRow("VAE latent", [.. from, .. vae.Interpolate(from, to, steps), .. to]),
                new ImageGridRow("dense latent", [.. from, .. dense.Interpolate(from, to, steps), .. to]),
                new ImageGridRow("pixel blend", [.. from, .. BlendPixels(from, to, steps), .. to]),
            ]);
    }

    /// <summary>Writes <paramref name="png"/> to the output folder and returns its full path.</summary>
    private static string Write(GenerateOptions options, string fileName, byte[] png)
    {
        string path = Path.GetFullPath(Path.Combine(options.OutputDirectory, fileName));
        File.WriteAllBytes(path, png);
        return path;
    }

    /// <summary>Trains one model, then adds its summary (held-out reconstruction error, epochs, time) to <paramref name="summaries"/>.</summary>
    private static AutoencoderTransformer Fit(
        MLContext mlContext, IDataView train, FashionMnistSplit heldOut, string name, AutoencoderArchitecture architecture, bool variational,
        GenerateOptions options, List<ModelSummary> summaries, TextWriter log)
    {
        log.WriteLine($"{name}: training (latent {options.LatentDimension}, up to {options.Epochs} epochs)...");
        var stopwatch = Stopwatch.StartNew();
        var model = mlContext.Transforms.Autoencoder(new AutoencoderEstimator.Options
        {
            InputColumnName = FeaturesColumnName,
            LatentDimension = options.LatentDimension,
            Architecture = architecture,
            Variational = variational ? new VariationalOptions() : null,
            Loss = ReconstructionLoss.BinaryCrossEntropy,
            MaximumNumberOfEpochs = options.Epochs,
            BatchSize = options.BatchSize,
            Seed = options.Seed,
            NumberOfThreads = options.NumberOfThreads,
        }).Fit(train);
        var fitTime = stopwatch.Elapsed;
        log.WriteLine(Invariant($"  {model.TrainingHistory.Count} epochs in {fitTime.TotalSeconds:F1} s; last: {model.TrainingHistory[^1]}"));
        summaries.Add(new ModelSummary(name, ImageMath.MeanSquaredError(heldOut.Pixels, model.Reconstruct(heldOut.Pixels)), model.TrainingHistory.Count, fitTime));
        return model;
    }

    /// <summary>The index of the first held-out image of each class, in class order.</summary>
    private static int[] OneImagePerClass(FashionMnistSplit images)
    {
        var shown = new int[FashionMnist.ClassNames.Count];
        for (int label = 0; label < shown.Length; label++)
        {
            shown[label] = Array.IndexOf(images.Labels, (byte)label);
            if (shown[label] < 0)
                throw new InvalidOperationException($"The {images.Count} held-out images include no {FashionMnist.ClassNames[label]} (class {label}); every class is shown.");
        }

        return shown;
    }

    /// <summary><paramref name="steps"/> pixel-wise blends <c>(1 - t) from + t to</c>, t from 0 to 1.</summary>
    private static float[] BlendPixels(float[] from, float[] to, int steps)
    {
        var blends = new float[steps * from.Length];
        for (int step = 0; step < steps; step++)
        {
            float t = step / (float)(steps - 1);
            for (int i = 0; i < from.Length; i++)
                blends[step * from.Length + i] = (1 - t) * from[i] + t * to[i];
        }

        return blends;
    }

    private static void Validate(GenerateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LatentDimension <= 0 || options.LatentDimension >= FashionMnist.PixelCount)
            throw new ArgumentOutOfRangeException(nameof(options), options.LatentDimension, $"{nameof(GenerateOptions.LatentDimension)} must be in [1, {FashionMnist.PixelCount}).");
        if (options.Epochs <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"{nameof(GenerateOptions.Epochs)} must be positive.");
        if (options.BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"{nameof(GenerateOptions.BatchSize)} must be positive.");
        if (options.NumberOfThreads is <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.NumberOfThreads, $"{nameof(GenerateOptions.NumberOfThreads)} must be positive, or null for libtorch's default.");
        if (options.SampleGridSide <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.SampleGridSide, $"{nameof(GenerateOptions.SampleGridSide)} must be positive.");
        if (options.InterpolationSteps < 2)
            throw new ArgumentOutOfRangeException(nameof(options), options.InterpolationSteps, $"{nameof(GenerateOptions.InterpolationSteps)} must be at least 2 (the two ends).");
        int classes = FashionMnist.ClassNames.Count;
        if (options.InterpolationFromClass is < 0 || options.InterpolationFromClass >= classes)
            throw new ArgumentOutOfRangeException(nameof(options), options.InterpolationFromClass, $"{nameof(GenerateOptions.InterpolationFromClass)} must be a class, 0 to {classes - 1}.");
        if (options.InterpolationToClass < 0 || options.InterpolationToClass >= classes || options.InterpolationToClass == options.InterpolationFromClass)
            throw new ArgumentOutOfRangeException(nameof(options), options.InterpolationToClass, $"{nameof(GenerateOptions.InterpolationToClass)} must be a class, 0 to {classes - 1}, other than {nameof(GenerateOptions.InterpolationFromClass)}.");
        if (string.IsNullOrWhiteSpace(options.OutputDirectory))
            throw new ArgumentException($"{nameof(GenerateOptions.OutputDirectory)} must be given.", nameof(options));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
