using System;
using System.CommandLine;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Compare;

/// <summary>The <c>compare</c> command: PCA versus the autoencoder on Fashion-MNIST reconstruction.</summary>
internal static class CompareCommand
{
    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var defaults = new CompareOptions();
        var latentOption = new Option<int>("--latent")
        {
            Description = "Number of principal components = the autoencoder's latent dimension.",
            DefaultValueFactory = _ => defaults.LatentDimension,
        };
        var epochsOption = new Option<int>("--epochs")
        {
            Description = "Maximum number of autoencoder training epochs.",
            DefaultValueFactory = _ => defaults.Epochs,
        };
        var dataOption = new Option<DirectoryInfo?>("--data")
        {
            Description = $"Folder with Fashion-MNIST's gzip IDX files. Default: {FashionMnist.DebianDirectory} when Debian's "
                + "dataset-fashion-mnist is installed (60k train / 10k test), else the 10k test split shipped with the samples (8k train / 2k held out).",
        };
        var seedOption = new Option<int>("--seed")
        {
            Description = "Seed of the data split, PCA and the autoencoder.",
            DefaultValueFactory = _ => defaults.Seed,
        };

        var command = new System.CommandLine.Command("compare", "Compare PCA and the autoencoder on held-out Fashion-MNIST reconstruction error.")
        {
            latentOption, epochsOption, dataOption, seedOption,
        };
        command.SetAction(parseResult =>
        {
            var options = new CompareOptions
            {
                LatentDimension = parseResult.GetValue(latentOption),
                Epochs = parseResult.GetValue(epochsOption),
                Seed = parseResult.GetValue(seedOption),
            };
            var data = FashionMnist.Load(parseResult.GetValue(dataOption)?.FullName, options.Seed);
            Console.WriteLine($"Data: {data.Source}");
            var result = ReconstructionComparison.Run(data, options, Console.Out);
            Print(result);
        });
        return command;
    }

    private static void Print(ComparisonResult result)
    {
        Console.WriteLine();
        Console.WriteLine($"Held-out reconstruction error ({result.HeldOutCount} images; mean squared error per pixel, pixels in [0, 1]):");
        Console.WriteLine($"  {"model",-12} {"MSE",10} {"fit",10} {"reconstruct",12}");
        Console.WriteLine($"  {"mean image",-12} {result.MeanImageMeanSquaredError,10:F5} {"-",10} {"-",12}");
        foreach (var model in new[] { result.Pca, result.Autoencoder })
        {
            Console.WriteLine($"  {model.Name,-12} {model.HeldOutMeanSquaredError,10:F5} {model.FitTime.TotalSeconds,9:F2}s {model.ReconstructTime.TotalSeconds,11:F2}s");
        }
    }
}
