// Generation, from data to result. A plain (dense) autoencoder and a variational one (a VAE) learn Fashion-MNIST;
// then Reconstruct, Decode, Interpolate and Sample make images from them, drawn as one PNG grid. Run it with
//
//     dotnet run -c Release --project samples/Microsoft.ML.Autoencoder.Samples -- basics generate
//
// (options: --train-images, --latent, --epochs, --seed, --output). The longer `generate` command adds a
// convolutional autoencoder and bigger grids; docs/generation.md explains what the pictures show.
using System;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Autoencoder.Samples.Generate;

namespace Microsoft.ML.Autoencoder.Samples.Basics;

/// <summary>The autoencoder as a generator of images: the <c>basics generate</c> command.</summary>
public static class Generation
{
    /// <summary>The name of the PNG file written to the output folder.</summary>
    public const string GridFileName = "generation.png";

    /// <summary>The number of images in each row of the grid: one per class in the row of class means.</summary>
    private const int Columns = 10;

    /// <summary>Trains both autoencoders, writes the grid and prints their reconstruction errors.</summary>
    /// <param name="trainImages">How many of the 8,000 training images to train on.</param>
    /// <param name="latentDimension">The size of both autoencoders' latent codes.</param>
    /// <param name="epochs">Their maximum number of epochs (they stop earlier when the loss stops falling).</param>
    /// <param name="seed">The seed of the data split, the trainings and the draws from the prior.</param>
    /// <param name="outputDirectory">The folder the PNG file is written to; created when missing.</param>
    /// <param name="output">Where the results are written.</param>
    /// <returns>Each model's mean squared error per pixel on the held-out images, and the PNG file's full path.</returns>
    public static (double DenseError, double VariationalError, string GridPath) Run(
        int trainImages, int latentDimension, int epochs, int seed, string outputDirectory, TextWriter output)
    {
        // 1. The data: the Fashion-MNIST test split shipped with the samples, shuffled into 8,000 images to train on
        //    and 2,000 held out. The loader scales the pixels to [0, 1] already, so no normalizer is needed here.
        var ml = new MLContext(seed);
        var images = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed);
        var training = images.Train.Take(trainImages);
        IDataView train = FashionMnist.ToDataView(ml, training);

        // 2. Two autoencoders of the same dense shape. The second is variational: its encoder outputs a distribution
        //    over codes, pulled towards the standard normal N(0, I) in training, so that codes drawn from N(0, I)
        //    decode to plausible images. Binary cross-entropy suits pixels in [0, 1].
        using var dense = Fit(ml, train, latentDimension, epochs, seed, variational: null);
        using var vae = Fit(ml, train, latentDimension, epochs, seed, new VariationalOptions());
        output.WriteLine($"Trained on {training.Count} images: dense {dense.TrainingHistory.Count} epochs, VAE {vae.TrainingHistory.Count}.");

        // 3. Reconstruct: images encoded and decoded again. How close all held-out images come back is the
        //    reconstruction error; the first few are drawn.
        double denseError = ImageMath.MeanSquaredError(images.Test.Pixels, dense.Reconstruct(images.Test.Pixels));
        double vaeError = ImageMath.MeanSquaredError(images.Test.Pixels, vae.Reconstruct(images.Test.Pixels));
        float[] originals = images.Test.Take(Columns).Pixels;
        float[] denseReconstructions = dense.Reconstruct(originals);
        float[] vaeReconstructions = vae.Reconstruct(originals);

        // 4. Decode: latent vectors of your choice. Here, the average code of each class's held-out images (Encode
        //    gives the codes), which decodes to a typical image of the class.
        float[] codes = vae.Encode(images.Test.Pixels);
        var classMeans = new float[FashionMnist.ClassNames.Count * latentDimension];
        var classCounts = new int[FashionMnist.ClassNames.Count];
        for (int row = 0; row < images.Test.Count; row++)
        {
            int label = images.Test.Labels[row];
            classCounts[label]++;
            for (int k = 0; k < latentDimension; k++)
                classMeans[label * latentDimension + k] += codes[row * latentDimension + k];
        }
        for (int i = 0; i < classMeans.Length; i++)
            classMeans[i] /= classCounts[i / latentDimension];
        float[] typicalImages = vae.Decode(classMeans);

        // 5. Interpolate: the straight line in latent space from a held-out trouser (class 1) to a held-out sneaker
        //    (class 7), decoded; its ends are the two images' reconstructions.
        float[] trouser = images.Test.GetImage(Array.IndexOf(images.Test.Labels, (byte)1)).ToArray();
        float[] sneaker = images.Test.GetImage(Array.IndexOf(images.Test.Labels, (byte)7)).ToArray();
        float[] denseLine = dense.Interpolate(trouser, sneaker, Columns);
        float[] vaeLine = vae.Interpolate(trouser, sneaker, Columns);

        // 6. Sample (a variational model only): codes drawn from N(0, I) and decoded, images no one drew.
        float[] samples = vae.Sample(Columns, seed);

        // 7. One PNG grid with a row per result (the samples app's image-grid helper, built on OxyPlot).
        var png = ImageGridPlot.Render(
            "Reconstruct, Decode, Interpolate and Sample",
            $"latent {latentDimension}; held-out mean squared error per pixel: dense {denseError:F4}, VAE {vaeError:F4}",
            columnHeaders: null,
            [
                new ImageGridRow("held-out images", originals),
                new ImageGridRow("dense: Reconstruct", denseReconstructions),
                new ImageGridRow("VAE: Reconstruct", vaeReconstructions),
                new ImageGridRow("VAE: Decode class means", typicalImages),
                new ImageGridRow("dense: Interpolate", denseLine),
                new ImageGridRow("VAE: Interpolate", vaeLine),
                new ImageGridRow("VAE: Sample", samples),
            ]);
        Directory.CreateDirectory(outputDirectory);
        string gridPath = Path.GetFullPath(Path.Combine(outputDirectory, GridFileName));
        File.WriteAllBytes(gridPath, png);

        output.WriteLine($"Held-out reconstruction error (mean squared error per pixel, {images.Test.Count} images): dense {denseError:F5}, VAE {vaeError:F5}");
        output.WriteLine($"Wrote {gridPath}");
        return (denseError, vaeError, gridPath);
    }

    /// <summary>Trains one autoencoder on the "Features" column and returns the trained transformer.</summary>
    private static AutoencoderTransformer Fit(MLContext ml, IDataView train, int latentDimension, int epochs, int seed, VariationalOptions? variational)
        => ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
        {
            InputColumnName = "Features",
            LatentDimension = latentDimension,
            Variational = variational,
            Loss = ReconstructionLoss.BinaryCrossEntropy,
            MaximumNumberOfEpochs = epochs,
            Seed = seed,
        }).Fit(train);
}
