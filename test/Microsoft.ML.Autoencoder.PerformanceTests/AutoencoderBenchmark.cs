using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// Trains the seed model (784 -> 64 -> 32 -> 64 -> 784, ReLU, sigmoid output, Adam 1e-3, MSE, batch 256,
/// shuffled) through the public estimator, times inference, then runs the same work in PyTorch and prints
/// both with their ratios.
/// </summary>
internal static class AutoencoderBenchmark
{
    public static int Run(BenchmarkSettings settings)
    {
        var (trainPath, testPath) = FindData(settings.DataDirectory);
        if (settings.Child is string side)
            return RunChild(settings, side, trainPath, testPath);

        Console.WriteLine($"Data: train {trainPath}, held out {testPath}; threads {string.Join(", ", settings.Threads)}; {settings.Epochs} epochs; allocator {string.Join(", ", settings.Allocators)}.");
        var sections = new List<string>();
        int trainRows = 0, testRows = 0;
        foreach (var allocator in settings.OnlyArchitectures ? Array.Empty<string>() : settings.Allocators.Distinct())
        {
            // Each repetition runs every configuration once, the sides interleaved, so that a slow spell of a
            // shared machine falls on both sides; each configuration is then represented by its median run.
            var oursRuns = settings.Threads.Select(_ => new List<OurResult>()).ToArray();
            var rawRuns = settings.Threads.Select(_ => new List<RawResult>()).ToArray();
            var peerConfigurations = settings.SkipPeer ? new List<(int, int)>() : PeerConfigurations(settings.Threads).ToList();
            var peerRuns = peerConfigurations.Select(_ => new List<PeerResult>()).ToArray();
            string peerStatus = settings.SkipPeer ? "skipped (--no-peer)" : "not run";
            for (int repetition = 1; repetition <= settings.Repeat; repetition++)
            {
                for (int i = 0; i < settings.Threads.Length; i++)
                {
                    Console.WriteLine($"[{repetition}/{settings.Repeat}] Ours, {settings.Threads[i]} libtorch thread(s), {allocator} allocator:");
                    oursRuns[i].Add(ChildRunner.Run<OurResult>(settings, "ours", settings.Threads[i], allocator));
                }
                for (int j = 0; j < peerConfigurations.Count; j++)
                {
                    var (threads, blasThreads) = peerConfigurations[j];
                    var (peer, status) = PeerRunner.Run(settings, threads, blasThreads, trainPath, testPath, allocator);
                    peerStatus = status;
                    if (peer is null)
                    {
                        peerConfigurations.Clear();
                        break;
                    }
                    peerRuns[j].Add(peer);
                }
                for (int i = 0; i < settings.Threads.Length; i++)
                {
                    Console.WriteLine($"[{repetition}/{settings.Repeat}] TorchSharp alone, {settings.Threads[i]} thread(s), {allocator} allocator...");
                    rawRuns[i].Add(ChildRunner.Run<RawResult>(settings, "raw", settings.Threads[i], allocator));
                }
            }
            var ours = oursRuns.Select(runs => MedianRun(runs, r => Median(r.EpochSeconds.Skip(1)))).ToList();
            var raw = rawRuns.Select(runs => MedianRun(runs, r => Median(r.EpochSeconds.Skip(1)))).ToList();
            var peers = peerRuns.Where(runs => runs.Count > 0).Select(runs => MedianRun(runs, p => p.MedianEpochSeconds)).ToList();
            (trainRows, testRows) = (ours[0].TrainRows, ours[0].TestRows);
            sections.Add(Report.Build(settings, allocator, trainRows, ours, raw, peers, peerStatus, oursRuns, peerRuns.Where(runs => runs.Count > 0).ToArray()));
        }

        if (settings.Architectures.Length > 0)
            sections.Add(ArchitectureBenchmark.Run(settings, trainPath, testPath));
        string report = Report.Header(settings, trainPath, testPath, trainRows, testRows) + string.Join(Environment.NewLine, sections);
        Console.WriteLine();
        Console.WriteLine(report);
        if (settings.OutputPath is string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, report);
            Console.WriteLine($"Wrote {path}.");
        }
        return 0;
    }

    /// <summary>The run whose <paramref name="key"/> is the median (the lower middle one for an even count).</summary>
    private static T MedianRun<T>(IReadOnlyList<T> runs, Func<T, double> key) => runs.OrderBy(key).ElementAt((runs.Count - 1) / 2);

    /// <summary>One side's measurement at one thread count, in a process of its own (see <see cref="ChildRunner"/>).</summary>
    private static int RunChild(BenchmarkSettings settings, string side, string trainPath, string testPath)
    {
        int threads = settings.Threads[0];
        if (side.StartsWith("arch-", StringComparison.Ordinal))
        {
            string[] parts = side.Split('-');
            ChildRunner.Report(ArchitectureBenchmark.Measure(parts[1], parts[2], threads, settings.Epochs, trainPath, testPath));
            return 0;
        }

        var train = new StreamingImages(FashionMnist.ReadImageBytes(trainPath));
        if (side == "raw")
        {
            var trainFloats = train.ToFloats();
            train = null;
            GC.Collect();
            ChildRunner.Report(RawTorchSharpLoop.Measure(trainFloats, trainFloats.Length / StreamingImages.Row.Size, threads, settings.Epochs));
            return 0;
        }
        var test = new StreamingImages(FashionMnist.ReadImageBytes(testPath));
        GC.Collect();
        ChildRunner.Report(OurMeasurement.Measure(settings, threads, train, test));
        return 0;
    }

    /// <summary>
    /// The peer's configurations: each thread count as given (torch and OpenBLAS threads alike), plus one torch
    /// thread with all cores for OpenBLAS, which is PyTorch's fastest setting on 2 cores here (its OpenMP and
    /// OpenBLAS pools otherwise compete for the cores).
    /// </summary>
    private static IEnumerable<(int Threads, int BlasThreads)> PeerConfigurations(int[] threads)
    {
        var configurations = threads.Select(t => (t, t)).ToList();
        int most = threads.Max();
        if (most > 1)
            configurations.Add((1, most));
        return configurations.Distinct();
    }

    internal static (string Train, string Test) FindData(string? directory)
    {
        foreach (var candidate in new[] { directory, FashionMnist.DebianDirectory, FashionMnist.EmbeddedDirectory })
        {
            if (candidate is null)
                continue;
            string testPath = Path.Combine(candidate, FashionMnist.TestImagesFileName);
            string trainPath = Path.Combine(candidate, FashionMnist.TrainImagesFileName);
            if (File.Exists(trainPath))
                return (trainPath, testPath);
            if (File.Exists(testPath))
                return (testPath, testPath); // Only the 10k test split: train and measure on it, both sides alike.
            if (candidate == directory)
                throw new FileNotFoundException($"No Fashion-MNIST IDX files in '{directory}'.");
        }
        throw new FileNotFoundException("No Fashion-MNIST data found.");
    }

    internal static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
