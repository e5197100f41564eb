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
    private const int LatentDimension = 32;
    private const int HiddenSize = 64;
    private const int BatchSize = 256;
    private const int Repetitions = 15;
    private const int PredictionCount = 2000;

    public static int Run(BenchmarkSettings settings)
    {
        var (trainPath, testPath) = FindData(settings.DataDirectory);
        if (settings.Child is string side)
            return RunChild(settings, side, trainPath, testPath);

        Console.WriteLine($"Data: train {trainPath}, held out {testPath}; threads {string.Join(", ", settings.Threads)}; {settings.Epochs} epochs; allocator {string.Join(", ", settings.Allocators)}.");
        var sections = new List<string>();
        int trainRows = 0, testRows = 0;
        foreach (var allocator in settings.Allocators.Distinct())
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
        ChildRunner.Report(MeasureOurs(settings, threads, train, test));
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

    private static (string Train, string Test) FindData(string? directory)
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

    private static OurResult MeasureOurs(BenchmarkSettings settings, int threads, StreamingImages train, StreamingImages test)
    {
                var ml = new MLContext(seed: 1);
        double? readSeconds = null;
        var readPattern = new Regex(@"Read \d+ training rows.* in (?<s>[0-9.]+) s\.");
        // Processor time at the end of the read and of each epoch (MLContext.Log is raised on the training
        // thread as each line is logged): per-epoch CPU seconds, which other load on the machine disturbs far
        // less than wall-clock seconds.
        var processorTimes = new List<TimeSpan>();
        ml.Log += (_, e) =>
        {
            var match = readPattern.Match(e.Message);
            if (match.Success)
            {
                readSeconds = double.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
                processorTimes.Add(Process.GetCurrentProcess().TotalProcessorTime);
            }
            if (e.Message.Contains("epoch ", StringComparison.Ordinal) && e.Message.Contains("training loss", StringComparison.Ordinal))
            {
                processorTimes.Add(Process.GetCurrentProcess().TotalProcessorTime);
                Console.WriteLine($"ours: {e.Message} [RSS {Environment.WorkingSet >> 20} MB; {NativeHeap.Describe()}]");
            }
        };
        var options = new AutoencoderEstimator.Options
        {
            LatentDimension = LatentDimension,
            LatentColumnName = "Latent",
            ReconstructionErrorColumnName = "Error",
            Architecture = new DenseArchitecture { HiddenSizes = new[] { HiddenSize } },
            BatchSize = BatchSize,
            LearningRate = 1e-3f,
            MaximumNumberOfEpochs = settings.Epochs,
            EarlyStopping = false,
            NumberOfThreads = threads,
            TuneNativeAllocator = ChildRunner.TuneNativeAllocator,
            Seed = 1,
        };

        var trainView = train.ToDataView(ml);
        ReadFeatures(trainView);
        double sourceSeconds = Median(Enumerable.Range(0, 3).Select(_ => Time(() => ReadFeatures(trainView))));
        var fitTime = Stopwatch.StartNew();
        using var model = ml.Transforms.Autoencoder(options).Fit(trainView);
        double fitSeconds = fitTime.Elapsed.TotalSeconds;
        var epochSeconds = model.TrainingHistory.Select(h => h.Seconds).ToArray();

        var testView = test.ToDataView(ml);
        var transformed = model.Transform(testView);
        double heldOutMse = MeanOfColumn(transformed, "Error");

        ReadLatents(transformed); // warm-up
        var transformSeconds = Enumerable.Range(0, Repetitions).Select(_ => Time(() => ReadLatents(transformed))).ToArray();
        var testSourceSeconds = Enumerable.Range(0, Repetitions).Select(_ => Time(() => ReadFeatures(testView))).ToArray();
        // The same rows from memory (the counterpart of PyTorch's tensor): ML.NET's cache, filled beforehand.
        var cachedView = ml.Data.Cache(testView);
        ReadFeatures(cachedView);
        var cachedTransformed = model.Transform(cachedView);
        ReadLatents(cachedTransformed); // warm-up
        var cachedTransformSeconds = Enumerable.Range(0, Repetitions).Select(_ => Time(() => ReadLatents(cachedTransformed))).ToArray();
        var cachedSourceSeconds = Enumerable.Range(0, Repetitions).Select(_ => Time(() => ReadFeatures(cachedView))).ToArray();
        var testFloats = test.ToFloats();
        model.Encode(testFloats);
        var encodeSeconds = Enumerable.Range(0, Repetitions).Select(_ => Time(() => model.Encode(testFloats))).ToArray();

        var engine = ml.Model.CreatePredictionEngine<StreamingImages.Row, LatentRow>(model);
        var rows = Enumerable.Range(0, 100).Select(i => new StreamingImages.Row { Features = testFloats.AsSpan(i * 784, 784).ToArray() }).ToArray();
        for (int i = 0; i < 200; i++)
            engine.Predict(rows[i % rows.Length]);
        var latencies = new double[PredictionCount];
        var watch = new Stopwatch();
        for (int i = 0; i < PredictionCount; i++)
        {
            watch.Restart();
            engine.Predict(rows[i % rows.Length]);
            latencies[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(latencies);
        long peakRss = PeakRssKilobytes(); // before the measurement below, which holds a second copy of the data

        // The read with a known row count: from ML.NET's cache of the same rows (one more epoch, read time only).
        var cachedTrain = ml.Data.Cache(trainView);
        ReadFeatures(cachedTrain);
        double cachedTrainSource = Median(Enumerable.Range(0, 3).Select(_ => Time(() => ReadFeatures(cachedTrain))));
        double? knownCountReadSeconds = null;
        var probe = new MLContext(seed: 1);
        probe.Log += (_, e) =>
        {
            var match = readPattern.Match(e.Message);
            if (match.Success)
                knownCountReadSeconds = double.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
        };
        options.MaximumNumberOfEpochs = 1;
        probe.Transforms.Autoencoder(options).Fit(cachedTrain).Dispose();

        var result = new OurResult(
            EpochSeconds: epochSeconds,
            EpochCpuSeconds: processorTimes.Zip(processorTimes.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray(),
            TrainingLosses: model.TrainingHistory.Select(h => h.TrainingLoss).ToArray(),
            FitSeconds: fitSeconds,
            ReadSeconds: readSeconds,
            SourceCursorSeconds: sourceSeconds,
            HeldOutMse: heldOutMse,
            TransformSeconds: Median(transformSeconds),
            TestSourceCursorSeconds: Median(testSourceSeconds),
            CachedTransformSeconds: Median(cachedTransformSeconds),
            CachedSourceCursorSeconds: Median(cachedSourceSeconds),
            EncodeSeconds: Median(encodeSeconds),
            PredictP50Milliseconds: latencies[PredictionCount / 2],
            PredictP99Milliseconds: latencies[(int)(PredictionCount * 0.99)],
            PeakRssKilobytes: peakRss,
            KnownCountReadSeconds: knownCountReadSeconds,
            KnownCountSourceCursorSeconds: cachedTrainSource,
            Gemm: GemmProbe.Measure(threads),
            TorchThreads: threads,
            TrainRows: train.Count,
            TestRows: test.Count);
        GC.Collect();
        return result;
    }

    private static double MeanOfColumn(IDataView data, string column)
    {
        double sum = 0;
        long count = 0;
        using var cursor = data.GetRowCursor(new[] { data.Schema[column] });
        var getter = cursor.GetGetter<float>(data.Schema[column]);
        float value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            sum += value;
            count++;
        }
        return sum / count;
    }

    /// <summary>What any consumer of the source pays: a cursor reading every row's feature vector.</summary>
    private static void ReadFeatures(IDataView data)
    {
        using var cursor = data.GetRowCursor(new[] { data.Schema["Features"] });
        var getter = cursor.GetGetter<VBuffer<float>>(data.Schema["Features"]);
        VBuffer<float> features = default;
        while (cursor.MoveNext())
            getter(ref features);
    }

    private static void ReadLatents(IDataView data)
    {
        using var cursor = data.GetRowCursor(new[] { data.Schema["Latent"] });
        var getter = cursor.GetGetter<VBuffer<float>>(data.Schema["Latent"]);
        VBuffer<float> latent = default;
        while (cursor.MoveNext())
            getter(ref latent);
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

    private static long PeakRssKilobytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        return -1;
    }

    /// <summary>The prediction engine's output.</summary>
    private sealed class LatentRow
    {
        [VectorType(LatentDimension)]
        public float[] Latent { get; set; } = Array.Empty<float>();
    }
}
