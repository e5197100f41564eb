using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using Microsoft.ML.Autoencoder.Samples.Data;
using Spectre.Console;

namespace Microsoft.ML.Autoencoder.Samples.Commands;

/// <summary>
/// The <c>compare</c> command: PCA versus autoencoders on Fashion-MNIST (<see cref="PcaVersusAutoencoder"/>),
/// with a progress display, tables on the console and a report folder (<c>report.md</c> and PNG plots).
/// </summary>
internal static class CompareCommand
{
    /// <summary>Where the report goes unless <c>--output</c> says otherwise.</summary>
    public const string DefaultOutputDirectory = "artifacts/pca-vs-autoencoder";

    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var quick = new ComparisonOptions();
        var latentOption = new Option<int[]>("--latent")
        {
            Description = $"Latent sizes (= numbers of principal components) to compare, e.g. --latent 2 8 32. Default: {string.Join(" ", quick.LatentDimensions)}; with --full {string.Join(" ", ComparisonOptions.Full.LatentDimensions)}.",
            AllowMultipleArgumentsPerToken = true,
        };
        var epochsOption = new Option<int?>("--epochs")
        {
            Description = $"Maximum number of autoencoder training epochs. Default: {quick.Epochs}.",
        };
        var dataOption = new Option<DirectoryInfo?>("--data")
        {
            Description = "Folder with Fashion-MNIST's gzip IDX files (train-* and t10k-*, or t10k-* only). Default: the 10k test split shipped with the samples "
                + $"(8k train / 2k held out); with --full, {FashionMnist.DebianDirectory} (60k train / 10k held out) when Debian's dataset-fashion-mnist is installed.",
        };
        var outputOption = new Option<DirectoryInfo>("--output")
        {
            Description = "Folder for report.md and the PNG plots.",
            DefaultValueFactory = _ => new DirectoryInfo(DefaultOutputDirectory),
        };
        var fullOption = new Option<bool>("--full")
        {
            Description = "Run the whole sweep (latent sizes 2 to 64, training sets up to all images) on the 60k training set. Takes much longer.",
        };
        var seedOption = new Option<int>("--seed")
        {
            Description = "Seed of the data split, PCA, the autoencoders and the classifiers.",
            DefaultValueFactory = _ => quick.Seed,
        };

        var trainCountOption = new Option<int?>("--train-count")
        {
            Description = "Use only the first N training images of the split (the notebook uses 3000).",
        };
        var testCountOption = new Option<int?>("--test-count")
        {
            Description = "Measure on only the first N held-out images of the split (the notebook uses 1000).",
        };
        var methodsOption = new Option<string[]>("--methods")
        {
            Description = $"Methods to compare, by id: {string.Join(", ", ComparisonMethods.Ids.Keys)}. Default: all.",
            AllowMultipleArgumentsPerToken = true,
        };
        var classifiersOption = new Option<DownstreamClassifier[]>("--classifiers")
        {
            Description = "Classifiers trained on raw pixels and on every code: SdcaMaximumEntropy, LightGbm. Default: both.",
            AllowMultipleArgumentsPerToken = true,
        };
        var trainingSizesOption = new Option<int[]>("--training-sizes")
        {
            Description = $"Smaller training sets for the training-size experiment; 0 skips it. Default: {string.Join(" ", quick.TrainingSizes)}.",
            AllowMultipleArgumentsPerToken = true,
        };

        var command = new System.CommandLine.Command("compare", "Compare ML.NET's PCA with autoencoders on held-out Fashion-MNIST: reconstruction error, classification accuracy, 2-D maps, timings.")
        {
            dataOption, latentOption, epochsOption, outputOption, fullOption, seedOption,
            trainCountOption, testCountOption, methodsOption, classifiersOption, trainingSizesOption,
        };
        command.SetAction(parseResult =>
        {
            bool full = parseResult.GetValue(fullOption);
            var options = (full ? ComparisonOptions.Full : quick) with { Seed = parseResult.GetValue(seedOption) };
            if (parseResult.GetValue(latentOption) is { Length: > 0 } latent)
            {
                options = options with { LatentDimensions = latent };
            }

            if (parseResult.GetValue(epochsOption) is int epochs)
            {
                options = options with { Epochs = epochs };
            }

            if (parseResult.GetValue(methodsOption) is { Length: > 0 } methods)
            {
                var unknown = methods.Where(id => !ComparisonMethods.Ids.ContainsKey(id)).ToArray();
                if (unknown.Length > 0)
                {
                    throw new ArgumentException($"--methods: unknown method '{unknown[0]}'; known: {string.Join(", ", ComparisonMethods.Ids.Keys)}.");
                }

                options = options with { Methods = methods.Select(id => ComparisonMethods.Ids[id]).ToArray() };
                options = options with { TrainingSizeMethods = options.TrainingSizeMethods.Where(options.Methods.Contains).ToArray() };
            }

            if (parseResult.GetValue(classifiersOption) is { Length: > 0 } classifiers)
            {
                options = options with { Classifiers = classifiers };
            }

            if (parseResult.GetValue(trainingSizesOption) is { Length: > 0 } sizes)
            {
                options = options with { TrainingSizes = sizes.Where(size => size > 0).ToArray() };
            }

            var subset = (parseResult.GetValue(trainCountOption), parseResult.GetValue(testCountOption));
            string? dataDirectory = parseResult.GetValue(dataOption)?.FullName ?? (full ? null : FashionMnist.EmbeddedDirectory);
            var output = parseResult.GetValue(outputOption)!;
            string commandLine = "dotnet run -c Release --project samples/Microsoft.ML.Autoencoder.Samples -- "
                + string.Join(" ", parseResult.Tokens.Select(token => token.Value));
            return Run(dataDirectory, options, output, commandLine, subset);
        });
        return command;
    }

    /// <summary>The 1-minute load average (Linux), to tell whether other work was slowing the run.</summary>
    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static int Run(string? dataDirectory, ComparisonOptions options, DirectoryInfo output, string commandLine, (int? Train, int? Test) subset)
    {
        var console = ConsoleFrontEnd.CreateConsole();
        var stopwatch = Stopwatch.StartNew();
        var data = FashionMnist.Load(dataDirectory, options.Seed);
        if (subset.Train is int trainCount)
        {
            data = data with { Train = data.Train.Take(trainCount) };
        }

        if (subset.Test is int testCount)
        {
            data = data with { Test = data.Test.Take(testCount) };
        }

        console.WriteLine($"Data: {data.Source}");
        if (dataDirectory is null && data.Train.Count < 60_000)
        {
            console.MarkupLine($"[yellow]--full without the 60k training set ({Markup.Escape(FashionMnist.DebianDirectory)} not installed, no --data): running the full sweep on the embedded split.[/]");
        }

        console.WriteLine($"Methods: {string.Join(", ", options.Methods.Select(method => method.Name))}; latent sizes {string.Join(", ", options.LatentDimensions)}; "
            + $"autoencoders: up to {options.Epochs} epochs, batch {options.BatchSize}; seed {options.Seed}.");
        var result = ConsoleFrontEnd.RunWithProgress(console, data, options);

        ConsoleFrontEnd.PrintTables(console, result);
        var files = ComparisonReport.Write(result, output.FullName, commandLine);
        console.WriteLine();
        console.WriteLine($"Report: {Path.Combine(output.FullName, ComparisonReport.ReportFileName)} ({files.Count} files)");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        console.WriteLine($"Took {stopwatch.Elapsed.TotalSeconds:F0} s in all (the comparison {result.Elapsed.TotalSeconds:F0} s; CPU time {cpu.TotalSeconds:F0} s on {Environment.ProcessorCount} cores, load average {LoadAverage()}).");
        return 0;
    }
}
