// Dimensionality reduction for a classifier, from data to result. An autoencoder learns a short code of
// Fashion-MNIST's 784 pixels, and ML.NET's SdcaMaximumEntropy classifies the images from that code; the same
// classifier on the raw pixels is the yardstick. Run it with
//
//     dotnet run -c Release --project samples/Microsoft.ML.Autoencoder.Samples -- basics reduce
//
// (options: --train-images, --latent, --epochs, --seed). The longer `classify` command adds PCA codes.
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Basics;

/// <summary>The autoencoder's latent code as the features of a classifier: the <c>basics reduce</c> command.</summary>
public static class DimensionalityReduction
{
    /// <summary>The number of passes SDCA makes over the training data (ML.NET's own choice can take minutes).</summary>
    private const int ClassifierIterations = 30;

    /// <summary>Trains both pipelines and prints their accuracy on the held-out images.</summary>
    /// <param name="trainImages">How many of the 8,000 training images to train on.</param>
    /// <param name="latentDimension">The size of the autoencoder's code, the classifier's number of features.</param>
    /// <param name="epochs">The autoencoder's maximum number of epochs (it stops earlier when its loss stops falling).</param>
    /// <param name="seed">The seed of the data split, the autoencoder and the classifiers.</param>
    /// <param name="output">Where the results are written.</param>
    /// <returns>The fraction of the held-out images classified correctly from the raw pixels and from the codes.</returns>
    public static (double RawPixelsAccuracy, double CodesAccuracy) Run(int trainImages, int latentDimension, int epochs, int seed, TextWriter output)
    {
        // 1. The data: the Fashion-MNIST test split shipped with the samples, shuffled into 8,000 images to train on
        //    and 2,000 held out. Each row has a "Features" column (784 pixels) and a "Label" column (the class, 0 to 9).
        var ml = new MLContext(seed);
        var images = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed);
        var training = images.Train.Take(trainImages);
        IDataView train = FashionMnist.ToDataView(ml, training);
        IDataView test = FashionMnist.ToDataView(ml, images.Test);
        output.WriteLine($"Training on {training.Count} images, testing on {images.Test.Count}.");

        // 2. The yardstick: the label as a key (multiclass trainers need one), every pixel scaled to [0, 1], then the
        //    classifier on all 784 of them. The cache keeps the scaled pixels: SDCA passes over them many times.
        var rawPixels = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                featureColumnName: "Features", maximumNumberOfIterations: ClassifierIterations));

        // 3. The same with an autoencoder in between. It trains on the scaled pixels (its sigmoid output expects
        //    [0, 1]) and adds a "Code" column of latentDimension values; SDCA wants its features scaled too.
        var codes = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Transforms.Autoencoder(outputColumnName: "Code", inputColumnName: "Features",
                latentDimension: latentDimension, maximumNumberOfEpochs: epochs, seed: seed))
            .Append(ml.Transforms.NormalizeMinMax("Code"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                featureColumnName: "Code", maximumNumberOfIterations: ClassifierIterations));

        // 4. Fit both on the training images and evaluate them on the held-out ones. A fitted pipeline that holds an
        //    autoencoder holds native (libtorch) memory: dispose it when done.
        using var rawPixelsModel = rawPixels.Fit(train);
        var rawPixelsMetrics = ml.MulticlassClassification.Evaluate(rawPixelsModel.Transform(test));

        using var codesModel = codes.Fit(train);
        var codesMetrics = ml.MulticlassClassification.Evaluate(codesModel.Transform(test));
        var autoencoder = codesModel.OfType<AutoencoderTransformer>().Single();
        output.WriteLine($"The autoencoder trained for {autoencoder.TrainingHistory.Count} epochs; the last: {autoencoder.TrainingHistory[^1]}");

        // 5. The result: how much accuracy is left after squeezing 784 pixels into latentDimension numbers?
        output.WriteLine("Held-out accuracy of SdcaMaximumEntropy (chance: 0.10):");
        output.WriteLine($"  {$"on the raw pixels ({FashionMnist.PixelCount} features)",-42} {rawPixelsMetrics.MicroAccuracy:F4}");
        output.WriteLine($"  {$"on the autoencoder's codes ({latentDimension} features)",-42} {codesMetrics.MicroAccuracy:F4}");
        return (rawPixelsMetrics.MicroAccuracy, codesMetrics.MicroAccuracy);
    }
}
