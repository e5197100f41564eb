using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>Formats the measurements as a markdown report (printed and optionally written to a file).</summary>
internal static class Report
{
    /// <summary>Multiply-adds of one forward pass of one row through 784-64-32-64-784, times two.</summary>
    private const double ForwardFlopsPerRow = 2.0 * (784 * 64 + 64 * 32 + 32 * 64 + 64 * 784);

    public static string Build(BenchmarkSettings settings, string trainPath, string testPath, int trainRows, int testRows,
        OurResult ours, PeerResult? peer, string peerStatus)
    {
        var text = new StringBuilder();
        double ourEpoch = AutoencoderBenchmark.Median(ours.EpochSeconds.Skip(1));
        double flopsPerEpoch = 3 * ForwardFlopsPerRow * trainRows;

        text.AppendLine("# Microsoft.ML.Autoencoder versus PyTorch");
        text.AppendLine();
        text.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Environment.OSVersion}), load average before the run {LoadAverage()}.");
        text.AppendLine($"Command: `dotnet run -c Release --project test/Microsoft.ML.Autoencoder.PerformanceTests -- --threads {settings.Threads} --epochs {settings.Epochs}`.");
        text.AppendLine($"Model 784-64-32-64-784 (ReLU, sigmoid output), Adam 1e-3, MSE, batch 256, shuffled; {settings.Epochs} epochs on {trainRows} rows (`{trainPath}`), held out {testRows} rows (`{testPath}`).");
        text.AppendLine($"Ours: Microsoft.ML {Version("Microsoft.ML.Data")}, TorchSharp {Version("TorchSharp")}, {ours.TorchThreads} libtorch threads. PyTorch peer: {peerStatus}{(peer is null ? "" : $"; torch {peer.TorchVersion}, {peer.Threads} threads, {peer.Blas}")}.");
        text.AppendLine();
        text.AppendLine("| measure | Microsoft.ML.Autoencoder | PyTorch | ratio (ours / PyTorch) | target |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- |");
        Row(text, "training, s/epoch (median of epochs 2..N)", ourEpoch, peer?.MedianEpochSeconds, "F3", "<= 1.1");
        Row(text, "held-out MSE after training", ours.HeldOutMse, peer?.TestMse, "F5", "same within noise");
        Row(text, $"Transform of {testRows} rows to latent codes (cursor), s", ours.TransformSeconds, peer?.EncodeSeconds, "F4", "<= 1.2 (peer: batched encode)");
        Row(text, $"Encode of {testRows} rows on a float array, s", ours.EncodeSeconds, peer?.EncodeSeconds, "F4", "");
        Row(text, "peak RSS, MB", ours.PeakRssKilobytes / 1024.0, peer?.PeakRssKilobytes / 1024.0, "F0", "<= 1.5");
        text.AppendLine($"| PredictionEngine latency p50 / p99, ms | {ours.PredictP50Milliseconds:F3} / {ours.PredictP99Milliseconds:F3} | | | |");
        text.AppendLine();

        text.AppendLine("Where the time goes (ours):");
        text.AppendLine();
        if (ours.ReadSeconds is double read)
        {
            double plumbing = Math.Max(0, read - ours.SourceCursorSeconds);
            text.AppendLine($"- IDataView -> tensor: Fit read the training column into one buffer in {read:F3} s (once per Fit). A bare cursor over the same source (the data source's own cost, which any consumer pays: here bytes converted to floats row by row, as a file loader would) takes {ours.SourceCursorSeconds:F3} s, so the library's plumbing (copy into the buffer, NaN/range checks, tensor wrap) is {plumbing:F3} s = {100 * plumbing / ourEpoch:F1}% of one epoch (target < 10%); with the source's cost it is {100 * read / ourEpoch:F1}% of one epoch.");
        }
        text.AppendLine($"- Fit took {ours.FitSeconds:F2} s in all; epochs: {string.Join(", ", ours.EpochSeconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))} s.");
        text.AppendLine($"- Transform through the IDataView cursor vs Encode on an array: {ours.TransformSeconds:F4} s vs {ours.EncodeSeconds:F4} s; the difference ({ours.TransformSeconds - ours.EncodeSeconds:F4} s) is the cursor plumbing.");
        if (peer is not null)
            text.AppendLine($"- PyTorch epochs: {string.Join(", ", peer.EpochSeconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))} s.");
        text.AppendLine();

        text.AppendLine($"The bound: one epoch is about {flopsPerEpoch / 1e9:F2} GFLOP (forward + backward = 3 x forward matrix products).");
        text.AppendLine();
        text.AppendLine("| GEMM shape | ours GFLOP/s | epoch bound at that speed, s | PyTorch GFLOP/s |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var (shape, gflops) in ours.Gemm)
        {
            string peerGflops = peer is not null && peer.Gemm.TryGetValue(shape, out double p) ? p.ToString("F1", CultureInfo.InvariantCulture) : "";
            text.AppendLine($"| {shape} | {gflops:F1} | {flopsPerEpoch / (gflops * 1e9):F3} | {peerGflops} |");
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, double ours, double? peer, string format, string target)
    {
        string peerText = peer is double p ? p.ToString(format, CultureInfo.InvariantCulture) : "";
        string ratio = peer is double q && q != 0 ? (ours / q).ToString("F2", CultureInfo.InvariantCulture) : "";
        text.AppendLine($"| {name} | {ours.ToString(format, CultureInfo.InvariantCulture)} | {peerText} | {ratio} | {target} |");
    }

    private static string Version(string assemblyName)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == assemblyName);
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? assembly?.GetName().Version?.ToString() ?? "?";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (System.IO.IOException)
        {
            return "?";
        }
    }
}
