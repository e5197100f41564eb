using System;
using System.CommandLine;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Basics;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Commands;

/// <summary>
/// The <c>basics</c> command: the short samples of <c>Basics/</c>, one file and one subcommand each
/// (<c>basics reduce</c>, <c>basics generate</c>). This file only reads their options.
/// </summary>
internal static class BasicsCommand
{
    /// <summary>The training images by default: all of the embedded split's.</summary>
    private const int DefaultTrainImages = FashionMnist.TestOnlyTrainCount;

    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
        => new("basics", "Short samples, one file each in Basics/, that show one use of the autoencoder from data to result.")
        {
            CreateReduce(),
            CreateGenerate(),
        };

    private static System.CommandLine.Command CreateReduce()
    {
        var trainImages = TrainImagesOption();
        var latent = new Option<int>("--latent") { Description = "Size of the autoencoder's code.", DefaultValueFactory = _ => 32 };
        var epochs = EpochsOption(10);
        var seed = SeedOption();
        var command = new System.CommandLine.Command("reduce", "Dimensionality reduction for a classifier: SDCA on autoencoder codes and on raw pixels (Basics/DimensionalityReduction.cs).")
        {
            trainImages, latent, epochs, seed,
        };
        command.SetAction(parseResult => DimensionalityReduction.Run(
            parseResult.GetValue(trainImages), parseResult.GetValue(latent), parseResult.GetValue(epochs), parseResult.GetValue(seed), Console.Out));
        return command;
    }

    private static System.CommandLine.Command CreateGenerate()
    {
        var trainImages = TrainImagesOption();
        var latent = new Option<int>("--latent") { Description = "Size of both autoencoders' codes.", DefaultValueFactory = _ => 16 };
        var epochs = EpochsOption(10);
        var seed = SeedOption();
        var output = new Option<DirectoryInfo>("--output")
        {
            Description = $"Folder to write {Generation.GridFileName} to (created when missing).",
            DefaultValueFactory = _ => new DirectoryInfo("basics-output"),
        };
        var command = new System.CommandLine.Command("generate", "Generation: a dense and a variational autoencoder reconstruct, decode, interpolate and sample images into one PNG (Basics/Generation.cs).")
        {
            trainImages, latent, epochs, seed, output,
        };
        command.SetAction(parseResult => Generation.Run(
            parseResult.GetValue(trainImages), parseResult.GetValue(latent), parseResult.GetValue(epochs), parseResult.GetValue(seed),
            parseResult.GetValue(output)!.FullName, Console.Out));
        return command;
    }

    private static Option<int> TrainImagesOption() => new("--train-images")
    {
        Description = $"Number of training images, up to {FashionMnist.TestOnlyTrainCount} (the embedded split's; the other 2,000 are held out).",
        DefaultValueFactory = _ => DefaultTrainImages,
    };

    private static Option<int> EpochsOption(int defaultEpochs) => new("--epochs")
    {
        Description = "Maximum number of autoencoder training epochs.",
        DefaultValueFactory = _ => defaultEpochs,
    };

    private static Option<int> SeedOption() => new("--seed")
    {
        Description = "Seed of the data split, the trainings and any random draws.",
        DefaultValueFactory = _ => 1,
    };
}
