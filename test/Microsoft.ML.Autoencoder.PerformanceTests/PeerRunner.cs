using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>Runs peer/pytorch_autoencoder.py as a subprocess and reads the JSON it prints.</summary>
internal static class PeerRunner
{
    public static (PeerResult? Result, string Status) Run(BenchmarkSettings settings, int threads, int blasThreads, string trainPath, string testPath, string allocator)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peer", "pytorch_autoencoder.py");
        var (probeExit, probeOutput) = ChildRunner.Execute(settings.Python, new[] { "-c", "import torch; print(torch.__version__)" }, ChildRunner.Environment(allocator));
        if (probeExit != 0)
            return (null, $"unavailable: '{settings.Python} -c \"import torch\"' failed ({probeOutput.Trim().Split('\n').LastOrDefault()}). Install Debian's python3-torch and libopenblas0-pthread.");

        string trainLabels = trainPath.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal);
        string testLabels = testPath.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal);
        var arguments = new List<string>
        {
            script, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--blas-threads", blasThreads.ToString(CultureInfo.InvariantCulture),
            "--epochs", settings.Epochs.ToString(CultureInfo.InvariantCulture),
            "--train-images", trainPath, "--train-labels", trainLabels, "--images", testPath, "--labels", testLabels,
        };
        Console.WriteLine($"Running the PyTorch peer ({allocator} allocator): {settings.Python} {string.Join(' ', arguments)}");
        var environment = new Dictionary<string, string?>(ChildRunner.Environment(allocator)) { ["OPENBLAS_CORETYPE"] = PeerBlas.Choose(settings).CoreType };
        var (exit, output) = ChildRunner.Execute(settings.Python, arguments, environment, showProgress: true);
        if (exit != 0)
            throw new InvalidOperationException($"The PyTorch peer failed with exit code {exit}:\n{output}");

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var gemm = root.TryGetProperty("gemm", out var gemmElement) && gemmElement.ValueKind == JsonValueKind.Object
            ? gemmElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("gflops_best").GetDouble())
            : new Dictionary<string, double>();
        var blas = root.GetProperty("blas");
        string blasText = string.Join(", ", blas.EnumerateObject()
            .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            .Select(p => $"{p.Name}={p.Value}"));
        var result = new PeerResult(
            TorchVersion: root.GetProperty("torch_version").GetString()!,
            Blas: blasText,
            Threads: root.GetProperty("torch_num_threads").GetInt32(),
            BlasThreads: blasThreads,
            EpochSeconds: root.GetProperty("epoch_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            EpochCpuSeconds: root.GetProperty("epoch_cpu_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            MedianEpochSeconds: root.GetProperty("median_epoch_seconds_2_to_n").GetDouble(),
            TestMse: root.GetProperty("test_mse").GetDouble(),
            EncodeSeconds: root.GetProperty("encode_seconds_median").GetDouble(),
            PeakRssKilobytes: root.GetProperty("peak_rss_kb").GetInt64(),
            Gemm: gemm,
            PhaseSeconds: root.TryGetProperty("phase_seconds_per_epoch", out var phases)
                ? phases.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())
                : new Dictionary<string, double>(),
            TrainConvertSeconds: root.TryGetProperty("train_convert_seconds", out var convert) ? convert.GetDouble() : null);
        return (result, "ran");
    }
}
