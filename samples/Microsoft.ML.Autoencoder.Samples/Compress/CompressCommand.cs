using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>
/// The <c>compress</c> command: rate-distortion on Fashion-MNIST held-out images for the autoencoders' compressed codes
/// (dense and convolutional, several latent sizes, 8-bit and float16), PCA at the same byte budgets, and PNG, gzip,
/// Brotli, JPEG and WebP; with the models' sizes and the break-even image counts. Writes report.md and two plots.
/// </summary>
internal static class CompressCommand
{
    public const string DefaultOutputDirectory = "artifacts/compression";

    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var defaults = new CompressOptions();
        var fullOption = new Option<bool>("--full") { Description = "Use the full Fashion-MNIST (60k training, 10k held out) from " + FashionMnist.DebianDirectory + " (Debian's dataset-fashion-mnist). Takes much longer." };
        var dataOption = new Option<DirectoryInfo?>("--data") { Description = "Fashion-MNIST folder (gzip IDX files). Default: the embedded 10k test split (8k train / 2k held out)." };
        var quickOption = new Option<bool>("--quick") { Description = "A small seeded run (1,000 training and 200 held-out images, k = 4 and 16, 2 epochs) for a smoke test." };
        var latentOption = new Option<int[]>("--latent") { Description = "The autoencoders' latent sizes.", AllowMultipleArgumentsPerToken = true };
        var epochsOption = new Option<int?>("--epochs") { Description = "The autoencoders' maximum epoch count (default 20)." };
        var noConvolutionalOption = new Option<bool>("--no-convolutional") { Description = "Skip the convolutional autoencoder (the slowest part)." };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the split and the trainings.", DefaultValueFactory = _ => defaults.Seed };
        var outputOption = new Option<DirectoryInfo>("--output") { Description = "Folder for report.md and the PNG plots.", DefaultValueFactory = _ => new DirectoryInfo(DefaultOutputDirectory) };

        var command = new System.CommandLine.Command("compress", "Compression: bytes per image against held-out error for autoencoder codes (8-bit, float16), PCA, PNG, gzip, Brotli, JPEG and WebP on Fashion-MNIST.")
        {
            fullOption, dataOption, quickOption, latentOption, epochsOption, noConvolutionalOption, seedOption, outputOption,
        };
        command.SetAction(parseResult =>
        {
            var options = parseResult.GetValue(quickOption) ? CompressOptions.Quick : defaults;
            options = options with
            {
                FashionMnistDirectory = parseResult.GetValue(dataOption)?.FullName ?? (parseResult.GetValue(fullOption) ? FashionMnist.DebianDirectory : FashionMnist.EmbeddedDirectory),
                LatentDimensions = parseResult.GetValue(latentOption) is { Length: > 0 } latent ? latent : options.LatentDimensions,
                Epochs = parseResult.GetValue(epochsOption) ?? options.Epochs,
                Convolutional = !parseResult.GetValue(noConvolutionalOption),
                Seed = parseResult.GetValue(seedOption),
            };
            string commandLine = "dotnet run -c Release --project samples/Microsoft.ML.Autoencoder.Samples -- " + string.Join(" ", parseResult.Tokens.Select(token => token.Value));
            return Run(options, parseResult.GetValue(outputOption)!, commandLine);
        });
        return command;
    }

    private static int Run(CompressOptions options, DirectoryInfo output, string commandLine)
    {
        var stopwatch = Stopwatch.StartNew();
        void Log(string line) => Console.WriteLine($"{stopwatch.Elapsed.TotalSeconds,7:F1} s  {line}");
        var data = FashionMnist.Load(options.FashionMnistDirectory, options.Seed);
        Log($"Fashion-MNIST: {data.Source}");
        var result = CompressionBenchmark.Run(data, options, Log);
        foreach (string line in CompressionReport.Tables(result))
            Console.WriteLine(line);
        var files = CompressionReport.Write(result, options, output.FullName, commandLine, stopwatch.Elapsed);
        Console.WriteLine();
        Console.WriteLine($"Report: {Path.Combine(output.FullName, CompressionReport.ReportFileName)} ({files.Count} files); took {stopwatch.Elapsed.TotalSeconds:F0} s.");
        return 0;
    }
}
