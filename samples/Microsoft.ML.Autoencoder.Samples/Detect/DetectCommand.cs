using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>
/// The <c>detect</c> command: the autoencoder anomaly detector with its defaults against ML.NET's RandomizedPca and
/// PyOD's published numbers, with a report (tables, ROC curves, a score histogram with the threshold).
/// </summary>
internal static class DetectCommand
{
    public const string DefaultOutputDirectory = "artifacts/anomaly-detection";

    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var defaults = new DetectOptions();
        var fullOption = new Option<bool>("--full") { Description = "Run the full benchmarks: one-class Fashion-MNIST on the 60k training set (Debian's dataset-fashion-mnist), Shuttle and Ionosphere (R's mlbench, exported with Rscript). Takes long (about an hour on 2 cores)." };
        var dataOption = new Option<DirectoryInfo?>("--data") { Description = "Fashion-MNIST folder (gzip IDX files). Default: the embedded 10k test split (8k train / 2k scored); with --full, " + FashionMnist.DebianDirectory + "." };
        var mlbenchOption = new Option<DirectoryInfo>("--mlbench") { Description = "Folder of shuttle.csv and ionosphere.csv, exported there by Detect/export-mlbench.R when missing.", DefaultValueFactory = _ => new DirectoryInfo(defaults.MlbenchDirectory) };
        var tabularOption = new Option<string[]>("--tabular") { Description = "Tabular sets to run (shuttle, ionosphere; 'none' for none). Default: both with --full, none otherwise.", AllowMultipleArgumentsPerToken = true };
        var classesOption = new Option<int[]>("--classes") { Description = "Fashion-MNIST normal classes to run (0-9; -1 for none). Default: all.", AllowMultipleArgumentsPerToken = true };
        var convolutionalOption = new Option<bool>("--convolutional") { Description = "Also run the detector with the convolutional architecture on Fashion-MNIST (slow)." };
        var splitsOption = new Option<int>("--splits") { Description = "Random 60/40 splits per tabular set.", DefaultValueFactory = _ => defaults.Splits };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the splits and trainings.", DefaultValueFactory = _ => defaults.Seed };
        var threadsOption = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => defaults.Threads };
        var latentOption = new Option<int?>("--latent") { Description = "Try another latent dimension (the report says the defaults were changed)." };
        var epochsOption = new Option<int?>("--epochs") { Description = "Try another maximum epoch count." };
        var hiddenOption = new Option<int[]>("--hidden") { Description = "Try other hidden layer sizes.", AllowMultipleArgumentsPerToken = true };
        var robustOption = new Option<double?>("--robust") { Description = "Try robust training with this fraction left out." };
        var standardizeOption = new Option<bool?>("--standardize") { Description = "Try the detector with standardization on (true) or off (false)." };
        var ensembleOption = new Option<int?>("--ensemble") { Description = "Try another ensemble size (the number of autoencoders averaged)." };
        var windowOption = new Option<int?>("--window") { Description = "Try another error window side for the images (1: pixel by pixel)." };
        var outputOption = new Option<DirectoryInfo>("--output") { Description = "Folder for report.md and the PNG plots.", DefaultValueFactory = _ => new DirectoryInfo(DefaultOutputDirectory) };

        var command = new System.CommandLine.Command("detect", "Anomaly detection: the autoencoder detector against ML.NET's RandomizedPca and PyOD's published AUCs; one-class Fashion-MNIST, Shuttle and Ionosphere.")
        {
            fullOption, dataOption, mlbenchOption, tabularOption, classesOption, convolutionalOption, splitsOption, seedOption, threadsOption,
            latentOption, epochsOption, hiddenOption, robustOption, standardizeOption, ensembleOption, windowOption, outputOption,
        };
        command.SetAction(parseResult =>
        {
            bool full = parseResult.GetValue(fullOption);
            var tabular = parseResult.GetValue(tabularOption) is { Length: > 0 } sets ? sets.Where(s => s != "none").ToArray() : full ? OutlierDataSet.MlbenchNames : [];
            var classes = parseResult.GetValue(classesOption) is { Length: > 0 } chosen ? chosen.Where(c => c >= 0).ToArray() : defaults.Classes;
            var options = defaults with
            {
                Full = full,
                FashionMnistDirectory = parseResult.GetValue(dataOption)?.FullName ?? (full ? null : FashionMnist.EmbeddedDirectory),
                MlbenchDirectory = parseResult.GetValue(mlbenchOption)!.FullName,
                DataSets = tabular,
                Classes = classes,
                Convolutional = parseResult.GetValue(convolutionalOption),
                Splits = parseResult.GetValue(splitsOption),
                Seed = parseResult.GetValue(seedOption),
                Threads = parseResult.GetValue(threadsOption),
                LatentDimension = parseResult.GetValue(latentOption),
                Epochs = parseResult.GetValue(epochsOption),
                HiddenSizes = parseResult.GetValue(hiddenOption) is { Length: > 0 } hidden ? hidden : null,
                RobustTrainingFraction = parseResult.GetValue(robustOption),
                Standardize = parseResult.GetValue(standardizeOption),
                EnsembleSize = parseResult.GetValue(ensembleOption),
                ErrorWindowSize = parseResult.GetValue(windowOption),
            };
            string commandLine = "dotnet run -c Release --project samples/Microsoft.ML.Autoencoder.Samples -- " + string.Join(" ", parseResult.Tokens.Select(token => token.Value));
            return Run(options, parseResult.GetValue(outputOption)!, commandLine);
        });
        return command;
    }

    private static int Run(DetectOptions options, DirectoryInfo output, string commandLine)
    {
        var stopwatch = Stopwatch.StartNew();
        void Log(string line) => Console.WriteLine($"{stopwatch.Elapsed.TotalSeconds,7:F1} s  {line}");
        var result = new DetectionResult();
        foreach (string name in options.DataSets)
        {
            var data = OutlierDataSet.Load(name, options.MlbenchDirectory);
            Log($"{name}: {data.RowCount} rows x {data.FeatureCount} features, {data.OutlierCount} outliers");
            OutlierBenchmark.RunTabular(data, options, result, Log);
        }

        if (options.Classes.Length > 0)
        {
            var images = FashionMnist.Load(options.FashionMnistDirectory, options.Seed);
            Log($"Fashion-MNIST: {images.Source}");
            OutlierBenchmark.RunFashionMnist(images, options, result, Log);
            OutlierBenchmark.MeasureScoring(images, options, result, rows: 10_000);
        }

        foreach (string line in DetectionTables.Markdown(result, options))
        {
            Console.WriteLine(line);
        }

        var files = DetectionReport.Write(result, options, output.FullName, commandLine, stopwatch.Elapsed);
        Console.WriteLine();
        Console.WriteLine($"Report: {Path.Combine(output.FullName, DetectionReport.ReportFileName)} ({files.Count} files); took {stopwatch.Elapsed.TotalSeconds:F0} s.");
        return 0;
    }
}
