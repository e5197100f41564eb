using System;
using System.CommandLine;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Classify;

/// <summary>
/// The <c>classify</c> command: a classifier on raw pixels, on PCA codes and on autoencoder codes of
/// Fashion-MNIST, compared by held-out accuracy.
/// </summary>
internal static class ClassifyCommand
{
    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var defaults = new ClassifyOptions();
        var dimensionOption = new Option<int>("--dimension")
        {
            Description = "Size of the codes: number of principal components = the autoencoder's latent dimension.",
            DefaultValueFactory = _ => defaults.CodeDimension,
        };
        var epochsOption = new Option<int>("--epochs")
        {
            Description = "Maximum number of autoencoder training epochs.",
            DefaultValueFactory = _ => defaults.AutoencoderEpochs,
        };
        var iterationsOption = new Option<int>("--classifier-iterations")
        {
            Description = "Maximum number of SDCA passes over the training data; 0 lets ML.NET choose.",
            DefaultValueFactory = _ => defaults.ClassifierIterations ?? 0,
        };
        var dataOption = new Option<DirectoryInfo?>("--data")
        {
            Description = "Folder with Fashion-MNIST's gzip IDX files; with the training files (e.g. "
                + $"{FashionMnist.DebianDirectory}) it uses the full set, 60k train / 10k test. "
                + "Default: the 10k test split shipped with the samples (8k train / 2k held out).",
        };
        var seedOption = new Option<int>("--seed")
        {
            Description = "Seed of the data split, PCA, the autoencoder and the classifier.",
            DefaultValueFactory = _ => defaults.Seed,
        };

        var command = new System.CommandLine.Command("classify", "Classify Fashion-MNIST with SDCA on raw pixels, on PCA codes and on autoencoder codes.")
        {
            dimensionOption, epochsOption, iterationsOption, dataOption, seedOption,
        };
        command.SetAction(parseResult =>
        {
            var options = new ClassifyOptions
            {
                CodeDimension = parseResult.GetValue(dimensionOption),
                AutoencoderEpochs = parseResult.GetValue(epochsOption),
                ClassifierIterations = parseResult.GetValue(iterationsOption) is int iterations and > 0 ? iterations : null,
                Seed = parseResult.GetValue(seedOption),
            };
            var data = FashionMnist.Load(parseResult.GetValue(dataOption)?.FullName ?? FashionMnist.EmbeddedDirectory, options.Seed);
            Console.WriteLine($"Data: {data.Source}");
            var result = ClassificationComparison.Run(data, options, Console.Out);
            Print(result);
        });
        return command;
    }

    private static void Print(ClassificationResult result)
    {
        Console.WriteLine();
        Console.WriteLine($"SdcaMaximumEntropy, trained on {result.TrainCount} images, evaluated on {result.HeldOutCount} held-out images (chance: 0.10):");
        Console.WriteLine($"  {"features",-18} {"size",5} {"micro acc.",11} {"macro acc.",11} {"fit",8}");
        foreach (var features in result.All)
        {
            Console.WriteLine($"  {features.Name,-18} {features.Dimension,5} {features.MicroAccuracy,11:F4} {features.MacroAccuracy,11:F4} {features.FitTime.TotalSeconds,7:F1}s");
        }

        var example = result.Example;
        Console.WriteLine();
        Console.WriteLine($"First held-out image through a PredictionEngine: a {example.ActualClass}, predicted {example.PredictedClass} ({example.Confidence:P0}).");
    }
}
