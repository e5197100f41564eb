using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// The scale command (issue 14): trains the seed's model (784-64-32-64-784) by streaming a generated source of millions
/// of rows (<see cref="GeneratedImages"/>), and compares its rows/s with the in-memory path on a subset that fits.
/// </summary>
internal static class ScaleCommand
{
    public static int Run(long rows, int epochs, long subsetRows, int threads, string? data, int bufferRows, int repeat)
    {
        var (trainPath, _) = AutoencoderBenchmark.FindData(data);
        var pool = FashionMnist.ReadImageBytes(trainPath);
        Console.WriteLine($"Pool: {pool.Length / StreamingImages.Row.Size} images from {trainPath}; {Environment.ProcessorCount} cores, {threads} libtorch thread(s); load average {LoadAverage()}.");

        // The generator alone: how fast the source can be read at all.
        var generatorSource = new GeneratedImages(pool, Math.Min(rows, 1_000_000));
        double generatorSeconds = AutoencoderBenchmark.Time(() => ReadAll(generatorSource));
        double generatorRate = generatorSource.GetRowCount()!.Value / generatorSeconds;
        Console.WriteLine($"Generator: {generatorRate:F0} rows/s ({generatorSource.GetRowCount()} rows read in {generatorSeconds:F2} s).");

        double bufferedSeconds = AutoencoderBenchmark.Time(() => ReadThroughShuffleBuffer(generatorSource, bufferRows));
        double bufferedRate = generatorSource.GetRowCount()!.Value / bufferedSeconds;
        Console.WriteLine($"Generator through the library's row checks and a shuffle buffer of {bufferRows} rows: {bufferedRate:F0} rows/s.");

        // The streamed run first, so that the peak resident set is its own.
        var streamed = Train(new GeneratedImages(pool, rows), TrainingDataMode.Auto, epochs, threads, overlap: true, bufferRows);
        long peakKilobytes = PeakResidentKilobytes();
        Console.WriteLine($"Streaming {rows} rows: {streamed.RowsPerSecond:F0} rows/s, {streamed.SecondsPerEpoch:F1} s per epoch (the last), final training loss {streamed.FinalLoss:G5}, peak RSS {peakKilobytes / 1024} MB; {streamed.Mode}.");

        // The subset, in memory and streamed both ways, interleaved and repeated: each reported by its median run, so that
        // a slow spell of the shared machine does not fall on one of them alone.
        var runs = Enumerable.Range(0, repeat).Select(_ => (
            InMemory: Train(new GeneratedImages(pool, subsetRows), TrainingDataMode.InMemory, 2, threads, overlap: true, bufferRows),
            Overlapped: Train(new GeneratedImages(pool, subsetRows), TrainingDataMode.Streaming, 2, threads, overlap: true, bufferRows),
            Inline: Train(new GeneratedImages(pool, subsetRows), TrainingDataMode.Streaming, 2, threads, overlap: false, bufferRows))).ToList();
        var inMemory = Median(runs.Select(r => r.InMemory));
        var subsetOverlapped = Median(runs.Select(r => r.Overlapped));
        var subsetInline = Median(runs.Select(r => r.Inline));
        Console.WriteLine();
        Console.WriteLine($"| run | rows | epochs | rows/s (last epoch{(repeat > 1 ? $"; median of {repeat} runs" : "")}) | s (last epoch) | final loss |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Row($"streaming (Auto), rows read ahead on a thread", rows, streamed);
        Row("in memory (subset)", subsetRows, inMemory);
        Row("streaming (subset), rows read ahead on a thread", subsetRows, subsetOverlapped);
        Row("streaming (subset), rows read inline", subsetRows, subsetInline);
        if (repeat > 1)
        {
            Console.WriteLine();
            Console.WriteLine("Every run, rows/s: in memory " + string.Join(", ", runs.Select(r => r.InMemory.RowsPerSecond.ToString("F0")))
                + "; read ahead " + string.Join(", ", runs.Select(r => r.Overlapped.RowsPerSecond.ToString("F0")))
                + "; inline " + string.Join(", ", runs.Select(r => r.Inline.RowsPerSecond.ToString("F0"))) + ".");
        }
        Console.WriteLine();
        Console.WriteLine($"Generator alone: {generatorRate:F0} rows/s; through the row checks and the shuffle buffer: {bufferedRate:F0} rows/s. Peak RSS of the {rows}-row streamed run: {peakKilobytes / 1024} MB (VmHWM).");
        Console.WriteLine($"Streaming / in memory, rows/s: {streamed.RowsPerSecond / inMemory.RowsPerSecond:F2} (full streamed run), {subsetOverlapped.RowsPerSecond / inMemory.RowsPerSecond:F2} (subset, read ahead), {subsetInline.RowsPerSecond / inMemory.RowsPerSecond:F2} (subset, inline).");
        Console.WriteLine($"Load average at the end: {LoadAverage()}.");
        return 0;
    }

    private sealed record Result(double RowsPerSecond, double SecondsPerEpoch, double FinalLoss, string Mode, int Epochs);

    private static void Row(string name, long rows, Result result)
        => Console.WriteLine($"| {name} | {rows} | {result.Epochs} | {result.RowsPerSecond:F0} | {result.SecondsPerEpoch:F2} | {result.FinalLoss:G5} |");

    /// <summary>Trains the seed's model; the rate is that of the last epoch (the first of several warms up).</summary>
    private static Result Train(IDataView source, TrainingDataMode mode, int epochs, int threads, bool overlap, int bufferRows)
    {
        var ml = new MLContext(seed: 1);
        var messages = new ConcurrentQueue<string>();
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains("Training data: ", StringComparison.Ordinal))
                messages.Enqueue(e.Message[(e.Message.IndexOf("Training data: ", StringComparison.Ordinal) + 15)..]);
            if (e.Message.Contains("rows/s", StringComparison.Ordinal))
                Console.WriteLine($"  {e.Message} [RSS {Environment.WorkingSet >> 20} MB]");
        };
        var options = new AutoencoderEstimator.Options
        {
            LatentDimension = 32,
            Architecture = new DenseArchitecture { HiddenSizes = new[] { 64 } },
            BatchSize = 256,
            LearningRate = 1e-3f,
            MaximumNumberOfEpochs = epochs,
            EarlyStopping = false,
            NumberOfThreads = threads,
            DataMode = mode,
            OverlapReading = overlap,
            ShuffleBufferRows = bufferRows,
            Seed = 1,
        };
        var time = Stopwatch.StartNew();
        using var model = ml.Transforms.Autoencoder(options).Fit(source);
        var last = model.TrainingHistory[^1];
        long rows = source.GetRowCount()!.Value;
        Console.WriteLine($"  {mode}: fit in {time.Elapsed.TotalSeconds:F1} s.");
        return new Result(rows / last.Seconds, last.Seconds, last.TrainingLoss, messages.LastOrDefault() ?? "?", epochs);
    }

    private static Result Median(IEnumerable<Result> results)
    {
        var sorted = results.OrderBy(r => r.RowsPerSecond).ToList();
        return sorted[(sorted.Count - 1) / 2];
    }

    private static void ReadAll(IDataView source)
    {
        var column = source.Schema["Features"];
        using var cursor = source.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
            getter(ref value);
    }

    private static void ReadThroughShuffleBuffer(IDataView source, int bufferRows)
    {
        var rows = new Data.StreamingRows(source, "Features", StreamingImages.Row.Size, requireUnitInterval: false, "training data");
        using var stream = rows.Open(new Random(1), bufferRows);
        var batch = new float[256 * StreamingImages.Row.Size];
        while (stream.Read(batch) > 0)
        {
        }
    }

    private static long PeakResidentKilobytes()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
