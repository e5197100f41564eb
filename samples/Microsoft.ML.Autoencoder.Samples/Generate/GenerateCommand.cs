using System;
using System.CommandLine;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Generate;

/// <summary>
/// The <c>generate</c> command: a dense, a convolutional and a variational autoencoder trained on
/// Fashion-MNIST, and PNG grids of their reconstructions, samples and interpolations.
/// </summary>
internal static class GenerateCommand
{
    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var defaults = new GenerateOptions();
        var latentOption = new Option<int>("--latent")
        {
            Description = "Latent dimension of the three autoencoders.",
            DefaultValueFactory = _ => defaults.LatentDimension,
        };
        var epochsOption = new Option<int>("--epochs")
        {
            Description = "Maximum number of training epochs of each autoencoder.",
            DefaultValueFactory = _ => defaults.Epochs,
        };
        var threadsOption = new Option<int>("--threads")
        {
            Description = "Number of libtorch threads; 0 for libtorch's default (one per core). One is fastest for these small networks on a busy machine.",
            DefaultValueFactory = _ => defaults.NumberOfThreads ?? 0,
        };
        var outputOption = new Option<DirectoryInfo>("--output")
        {
            Description = "Folder to write the PNG files to (created when missing).",
            DefaultValueFactory = _ => new DirectoryInfo(defaults.OutputDirectory),
        };
        var dataOption = new Option<DirectoryInfo?>("--data")
        {
            Description = "Folder with Fashion-MNIST's gzip IDX files; with the training files (e.g. "
                + $"{FashionMnist.DebianDirectory}) it uses the full set, 60k train / 10k test. "
                + "Default: the 10k test split shipped with the samples (8k train / 2k held out).",
        };
        var seedOption = new Option<int>("--seed")
        {
            Description = "Seed of the data split, the trainings and the draws from the prior.",
            DefaultValueFactory = _ => defaults.Seed,
        };

        var command = new System.CommandLine.Command("generate", "Train dense, convolutional and variational autoencoders on Fashion-MNIST; draw reconstructions, samples and interpolations as PNG grids.")
        {
            latentOption, epochsOption, threadsOption, outputOption, dataOption, seedOption,
        };
        command.SetAction(parseResult =>
        {
            var options = defaults with
            {
                LatentDimension = parseResult.GetValue(latentOption),
                Epochs = parseResult.GetValue(epochsOption),
                NumberOfThreads = parseResult.GetValue(threadsOption) is int threads and not 0 ? threads : null, // Negative: refused by Run.
                OutputDirectory = parseResult.GetValue(outputOption)!.FullName,
                Seed = parseResult.GetValue(seedOption),
            };
            var data = FashionMnist.Load(parseResult.GetValue(dataOption)?.FullName ?? FashionMnist.EmbeddedDirectory, options.Seed);
            Console.WriteLine($"Data: {data.Source}");
            var result = ImageGeneration.Run(data, options, Console.Out);
            Print(result);
        });
        return command;
    }

    private static void Print(GenerationResult result)
    {
        Console.WriteLine();
        Console.WriteLine($"Trained on {result.TrainCount} images. Held-out reconstruction error ({result.HeldOutCount} images; mean squared error per pixel, pixels in [0, 1]):");
        Console.WriteLine($"  {"model",-14} {"MSE",8} {"epochs",7} {"fit",8}");
        foreach (var model in result.Models)
        {
            Console.WriteLine($"  {model.Name,-14} {model.HeldOutMeanSquaredError,8:F5} {model.Epochs,7} {model.FitTime.TotalSeconds,7:F1}s");
        }

        Console.WriteLine();
        Console.WriteLine("Wrote:");
        foreach (string file in result.Files)
        {
            Console.WriteLine($"  {file}");
        }
    }
}
