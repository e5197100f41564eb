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

/// <summary>Our side of the benchmark, in its child process: trains through the public estimator, then times inference.</summary>
internal static class OurMeasurement
{
    private const int LatentDimension = 32;
    private const int HiddenSize = 64;
    private const int BatchSize = 256;
    private const int Repetitions = 15;
    private const int PredictionCount = 2000;

    public static OurResult Measure(BenchmarkSettings settings, int threads, StreamingImages train, StreamingImages test)
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
        double sourceSeconds = AutoencoderBenchmark.Median(Enumerable.Range(0, 3).Select(_ => AutoencoderBenchmark.Time(() => ReadFeatures(trainView))));
        var fitTime = Stopwatch.StartNew();
        using var model = ml.Transforms.Autoencoder(options).Fit(trainView);
        double fitSeconds = fitTime.Elapsed.TotalSeconds;
        var epochSeconds = model.TrainingHistory.Select(h => h.Seconds).ToArray();

        var testView = test.ToDataView(ml);
        var transformed = model.Transform(testView);
        double heldOutMse = MeanOfColumn(transformed, "Error");

        ReadLatents(transformed); // warm-up
        var transformSeconds = Enumerable.Range(0, Repetitions).Select(_ => AutoencoderBenchmark.Time(() => ReadLatents(transformed))).ToArray();
        var testSourceSeconds = Enumerable.Range(0, Repetitions).Select(_ => AutoencoderBenchmark.Time(() => ReadFeatures(testView))).ToArray();
        // The same rows from memory (the counterpart of PyTorch's tensor): ML.NET's cache, filled beforehand.
        var cachedView = ml.Data.Cache(testView);
        ReadFeatures(cachedView);
        var cachedTransformed = model.Transform(cachedView);
        ReadLatents(cachedTransformed); // warm-up
        var cachedTransformSeconds = Enumerable.Range(0, Repetitions).Select(_ => AutoencoderBenchmark.Time(() => ReadLatents(cachedTransformed))).ToArray();
        var cachedSourceSeconds = Enumerable.Range(0, Repetitions).Select(_ => AutoencoderBenchmark.Time(() => ReadFeatures(cachedView))).ToArray();
        var testFloats = test.ToFloats();
        model.Encode(testFloats);
        var encodeSeconds = Enumerable.Range(0, Repetitions).Select(_ => AutoencoderBenchmark.Time(() => model.Encode(testFloats))).ToArray();
        double onnxEncodeSeconds = OnnxEncoding.MedianSeconds(model, testFloats, test.Count, threads, Repetitions);

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
        long peakRss = PeakRssKilobytes(); // before the measurements below, which hold a second copy of the data

        // What writing the training column's size into fresh memory costs in this process now (the training tensor's
        // memory has been returned): the part of the read that is the kernel's (and a virtual machine's host's) page
        // faults, which any reader of the data into new memory pays.
        double firstTouchSeconds = FirstTouchSeconds((long)train.Count * StreamingImages.Row.Size);

        // The read with a known row count: from ML.NET's cache of the same rows (one more epoch, read time only).
        var cachedTrain = ml.Data.Cache(trainView);
        ReadFeatures(cachedTrain);
        double cachedTrainSource = AutoencoderBenchmark.Median(Enumerable.Range(0, 3).Select(_ => AutoencoderBenchmark.Time(() => ReadFeatures(cachedTrain))));
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
            TransformSeconds: AutoencoderBenchmark.Median(transformSeconds),
            TestSourceCursorSeconds: AutoencoderBenchmark.Median(testSourceSeconds),
            CachedTransformSeconds: AutoencoderBenchmark.Median(cachedTransformSeconds),
            CachedSourceCursorSeconds: AutoencoderBenchmark.Median(cachedSourceSeconds),
            EncodeSeconds: AutoencoderBenchmark.Median(encodeSeconds),
            OnnxEncodeSeconds: onnxEncodeSeconds,
            PredictP50Milliseconds: latencies[PredictionCount / 2],
            PredictP99Milliseconds: latencies[(int)(PredictionCount * 0.99)],
            PeakRssKilobytes: peakRss,
            KnownCountReadSeconds: knownCountReadSeconds,
            KnownCountSourceCursorSeconds: cachedTrainSource,
            FirstTouchSeconds: firstTouchSeconds,
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

    internal static void ReadLatents(IDataView data)
    {
        using var cursor = data.GetRowCursor(new[] { data.Schema["Latent"] });
        var getter = cursor.GetGetter<VBuffer<float>>(data.Schema["Latent"]);
        VBuffer<float> latent = default;
        while (cursor.MoveNext())
            getter(ref latent);
    }

    /// <summary>Seconds to write <paramref name="floats"/> floats into fresh memory, advised as huge pages as the library's own.</summary>
    private static double FirstTouchSeconds(long floats)
    {
        using var memory = Microsoft.ML.Autoencoder.Platform.NativeFloats.Allocate(floats, floats);
        var watch = Stopwatch.StartNew();
        for (long start = 0; start < floats; start += 1 << 20)
            memory.Slice(start, (int)Math.Min(1 << 20, floats - start)).Fill(1f);
        return watch.Elapsed.TotalSeconds;
    }

    internal static long PeakRssKilobytes()
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
