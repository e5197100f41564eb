using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.ML;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>Formats the measurements as a markdown report (printed and optionally written to a file).</summary>
internal static class Report
{
    /// <summary>Multiply-adds of one forward pass of one row through 784-64-32-64-784, times two.</summary>
    private const double ForwardFlopsPerRow = 2.0 * (784 * 64 + 64 * 32 + 32 * 64 + 64 * 784);

    public static string Header(BenchmarkSettings settings, string trainPath, string testPath, int trainRows, int testRows)
    {
        var text = new StringBuilder();
        text.AppendLine("# Microsoft.ML.Autoencoder versus PyTorch");
        text.AppendLine();
        text.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Environment.OSVersion}), load average at the end {LoadAverage()}.");
        text.AppendLine($"CPU: {CpuInfo.Model} ({CpuInfo.Vendor}; {CpuInfo.KernelFlags}). Kernels: ours and the TorchSharp-alone loop run libtorch {TorchSharpLibTorchVersion()}'s CPU build (MKL, oneDNN), "
            + "which picks its kernels from those flags at run time; the PyTorch peer is Debian's python3-torch on OpenBLAS, with the kernels below.");
        text.AppendLine($"Command: `dotnet run -c Release --project test/Microsoft.ML.Autoencoder.PerformanceTests -- --epochs {settings.Epochs} --threads {string.Join(' ', settings.Threads)} --allocator {string.Join(' ', settings.Allocators)} --repeat {settings.Repeat}"
            + $" --architectures {(settings.Architectures.Length == 0 ? "none" : string.Join(' ', settings.Architectures))}{(settings.UnderLoad ? "" : " --no-load")}{(settings.OnlyArchitectures ? " --only-architectures" : "")}{(settings.SkipPeer ? " --no-peer" : "")}`.");
        text.AppendLine($"Model 784-64-32-64-784 (ReLU, sigmoid output), Adam 1e-3, MSE, batch 256, shuffled; {settings.Epochs} epochs on {trainRows} rows (`{trainPath}`), held out {testRows} rows (`{testPath}`).");
        text.AppendLine($"Ours: Microsoft.ML {Version(typeof(MLContext).Assembly)}, TorchSharp {Version(typeof(TorchSharp.torch).Assembly)}, through `mlContext.Transforms.Autoencoder(...).Fit(IDataView)`. "
            + "Each configuration of each side runs in a process of its own (so its peak RSS is its own), under each allocator setting in turn; both sides get the same setting.");
        text.AppendLine();
        if (!settings.SkipPeer)
            text.AppendLine(PeerBlas.Choose(settings).Description);
        return text.ToString();
    }

    /// <summary>The libtorch version TorchSharp was built for (its private constant, read from metadata).</summary>
    internal static string TorchSharpLibTorchVersion()
        => typeof(TorchSharp.torch).GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static)?.GetRawConstantValue() as string ?? "unknown";

    public static string Build(BenchmarkSettings settings, string allocator, int trainRows,
        IReadOnlyList<OurResult> ours, IReadOnlyList<RawResult> raw, IReadOnlyList<PeerResult> peers, string peerStatus,
        IReadOnlyList<IReadOnlyList<OurResult>> oursRuns, IReadOnlyList<IReadOnlyList<PeerResult>> peerRuns)
    {
        var text = new StringBuilder();
        double flopsPerEpoch = 3 * ForwardFlopsPerRow * trainRows;
        var bestOurs = ours.MinBy(EpochMedian)!;
        var bestPeer = peers.MinBy(p => p.MedianEpochSeconds);
        double ourEpoch = EpochMedian(bestOurs);
        int testRows = bestOurs.TestRows;

        text.AppendLine($"## Allocator: {ChildRunner.Describe(allocator)}");
        text.AppendLine();
        text.AppendLine($"PyTorch peer (`peer/pytorch_autoencoder.py`): {peerStatus}{(bestPeer is null ? "" : $", torch {bestPeer.TorchVersion}, {bestPeer.Blas}")}.");
        text.AppendLine();
        var bestRaw = raw.MinBy(r => AutoencoderBenchmark.Median(r.EpochSeconds.Skip(1)));
        if (bestRaw is not null)
        {
            double rawEpoch = AutoencoderBenchmark.Median(bestRaw.EpochSeconds.Skip(1));
            double? gemm = bestOurs.Gemm.Values.DefaultIfEmpty(double.NaN).Max() is double g && !double.IsNaN(g) ? g : null;
            text.AppendLine($"**Primary ratio: ours / TorchSharp alone (the same libtorch driven without the library), best thread count of each: "
                + $"{ourEpoch:F3} / {rawEpoch:F3} = {ourEpoch / rawEpoch:F2}x** seconds per epoch ({bestOurs.TorchThreads} vs {bestRaw.Threads} threads; target <= 0.6)."
                + (gemm is double best ? $" GEMM bound of one epoch ({flopsPerEpoch / 1e9:F1} GFLOP at the best measured libtorch GEMM speed, {best:F0} GFLOP/s): {flopsPerEpoch / (best * 1e9):F3} s, so ours is {ourEpoch / (flopsPerEpoch / (best * 1e9)):F1}x the bound (target <= 2)." : ""));
            text.AppendLine();
        }

        text.AppendLine("Best configuration of each side (fewest seconds per epoch):");
        text.AppendLine();
        text.AppendLine("| measure | Microsoft.ML.Autoencoder | PyTorch | ratio (ours / PyTorch) | target |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- |");
        text.AppendLine($"| configuration | {bestOurs.TorchThreads} libtorch thread(s) | {(bestPeer is null ? "" : PeerConfiguration(bestPeer))} | | |");
        Row(text, "training, s/epoch (median of epochs 2..N)", ourEpoch, bestPeer?.MedianEpochSeconds, "F3", "<= 1.1");
        Row(text, "training, CPU s/epoch (median of epochs 2..N; robust to other load)", AutoencoderBenchmark.Median(bestOurs.EpochCpuSeconds.Skip(1)),
            bestPeer is null ? null : AutoencoderBenchmark.Median(bestPeer.EpochCpuSeconds.Skip(1)), "F3", "");
        Row(text, "held-out MSE after training", bestOurs.HeldOutMse, bestPeer?.TestMse, "F5", "same within noise");
        Row(text, $"Transform of {testRows} rows to latent codes, IDataView cursor over the rows in memory (cached), s", bestOurs.CachedTransformSeconds, bestPeer?.EncodeSeconds, "F4", "<= 1.2 (PyTorch: batched encode of a tensor in memory)");
        Row(text, $"Transform of {testRows} rows to latent codes, IDataView cursor over the streaming source, s", bestOurs.TransformSeconds, bestPeer?.EncodeSeconds, "F4", "");
        Row(text, $"Encode of {testRows} rows held in a float array, s", bestOurs.EncodeSeconds, bestPeer?.EncodeSeconds, "F4", "");
        Row(text, "peak RSS of the process, MB", bestOurs.PeakRssKilobytes / 1024.0, bestPeer?.PeakRssKilobytes / 1024.0, "F0", "<= 1.5");
        text.AppendLine($"| PredictionEngine latency p50 / p99, ms | {bestOurs.PredictP50Milliseconds:F3} / {bestOurs.PredictP99Milliseconds:F3} | | | |");
        text.AppendLine();

        text.AppendLine("Every configuration measured:");
        text.AppendLine();
        text.AppendLine($"| side | threads | s/epoch (median 2..N) | epochs, s | epochs, CPU s | held-out MSE | encode of the {testRows} held-out rows (ours: float array; PyTorch: tensor), s | ours: Transform, cursor over the cached rows, s | ours: Transform, cursor over the streaming source, s | peak RSS, MB |");
        text.AppendLine("| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in ours)
            text.AppendLine($"| ours | {result.TorchThreads} libtorch | {EpochMedian(result):F3} | {Join(result.EpochSeconds)} | {Join(result.EpochCpuSeconds)} | {result.HeldOutMse:F5} | {result.EncodeSeconds:F4} | {result.CachedTransformSeconds:F4} | {result.TransformSeconds:F4} | {result.PeakRssKilobytes / 1024.0:F0} |");
        foreach (var peer in peers)
            text.AppendLine($"| PyTorch | {PeerConfiguration(peer)} | {peer.MedianEpochSeconds:F3} | {Join(peer.EpochSeconds)} | {Join(peer.EpochCpuSeconds)} | {peer.TestMse:F5} | {peer.EncodeSeconds:F4} | | | {peer.PeakRssKilobytes / 1024.0:F0} |");
        text.AppendLine();

        if (settings.Repeat > 1)
        {
            text.AppendLine($"Every run ({settings.Repeat} per configuration, interleaved; the tables show each configuration's median run): s/epoch (median of epochs 2..N) / peak RSS, MB:");
            text.AppendLine();
            foreach (var runs in oursRuns)
                text.AppendLine($"- ours, {runs[0].TorchThreads} libtorch thread(s): {string.Join("; ", runs.Select(r => $"{EpochMedian(r):F3} / {r.PeakRssKilobytes / 1024.0:F0}"))}; Transform over the cached rows, s: {string.Join(", ", runs.Select(r => r.CachedTransformSeconds.ToString("F4", CultureInfo.InvariantCulture)))}; read of the training column, s: {string.Join(", ", runs.Select(r => r.ReadSeconds?.ToString("F3", CultureInfo.InvariantCulture) ?? "?"))}; ONNX Runtime encode, s: {string.Join(", ", runs.Select(r => r.OnnxEncodeSeconds.ToString("F4", CultureInfo.InvariantCulture)))}");
            foreach (var runs in peerRuns)
                text.AppendLine($"- PyTorch, {PeerConfiguration(runs[0])}: {string.Join("; ", runs.Select(r => $"{r.MedianEpochSeconds:F3} / {r.PeakRssKilobytes / 1024.0:F0}"))}; encode of the held-out rows, s: {string.Join(", ", runs.Select(r => r.EncodeSeconds.ToString("F4", CultureInfo.InvariantCulture)))}");
            text.AppendLine();
        }

        text.AppendLine("Where the training time goes: the library, TorchSharp alone (the same loop written directly against TorchSharp, no ML.NET, no library code) and PyTorch, per epoch:");
        text.AppendLine();
        text.AppendLine("| | threads | s/epoch (median 2..N) | CPU s/epoch (median 2..N) | forward, s | backward, s | optimizer step, s |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in ours)
            text.AppendLine($"| Microsoft.ML.Autoencoder | {result.TorchThreads} | {EpochMedian(result):F3} | {AutoencoderBenchmark.Median(result.EpochCpuSeconds.Skip(1)):F3} | | | |");
        foreach (var result in raw)
            text.AppendLine($"| TorchSharp alone | {result.Threads} | {AutoencoderBenchmark.Median(result.EpochSeconds.Skip(1)):F3} | {AutoencoderBenchmark.Median(result.EpochCpuSeconds.Skip(1)):F3} | {result.ForwardSeconds:F3} | {result.BackwardSeconds:F3} | {result.StepSeconds:F3} |");
        foreach (var peer in peers)
            text.AppendLine($"| PyTorch | {PeerConfiguration(peer)} | {peer.MedianEpochSeconds:F3} | {AutoencoderBenchmark.Median(peer.EpochCpuSeconds.Skip(1)):F3} | {Phase(peer, "forward")} | {Phase(peer, "backward")} | {Phase(peer, "optimizer_step")} |");
        text.AppendLine();

        text.AppendLine($"Where the time goes (ours, {bestOurs.TorchThreads} thread(s)):");
        text.AppendLine();
        if (bestOurs.ReadSeconds is double read)
        {
            double plumbing = Math.Max(0, read - bestOurs.SourceCursorSeconds);
            double beyondTouch = Math.Max(0, plumbing - bestOurs.FirstTouchSeconds);
            string peerConvert = bestPeer?.TrainConvertSeconds is double convert
                ? $" (The PyTorch peer turns the same bytes into its float tensor, also in fresh memory, in {convert:F3} s, outside its epochs as this read is outside ours.)"
                : "";
            text.AppendLine($"- IDataView -> tensor: Fit read the training column into memory in {read:F3} s (once per Fit). A bare cursor over the same source (the data source's own cost, which any consumer pays: here bytes converted to floats row by row, as a file loader would) takes {bestOurs.SourceCursorSeconds:F3} s, so the library's part (copy into the buffer, NaN/range checks, tensor wrap) is {plumbing:F3} s = {100 * plumbing / ourEpoch:F1}% of one epoch (target < 10%); with the source's cost it is {100 * read / ourEpoch:F1}% of one epoch. This source does not know its row count; the rows go straight into their final place (an address-space reservation on Linux, pages existing once written), which becomes the training tensor without a copy. The process is fresh, so every page is new memory: writing as many floats into fresh memory, timed separately in the same process after training, takes {bestOurs.FirstTouchSeconds:F3} s (page faults: the kernel zeroing pages, and on a virtual machine its host backing them), {(beyondTouch > 0 ? $"which leaves {beyondTouch:F3} s = {100 * beyondTouch / ourEpoch:F1}% of one epoch for the copy and the checks" : "more than the library's whole part took: on this machine the cost of fresh pages varies by more than the copy and the checks cost")}.{peerConvert}");
            if (bestOurs.KnownCountReadSeconds is double known)
            {
                double knownPlumbing = Math.Max(0, known - bestOurs.KnownCountSourceCursorSeconds);
                text.AppendLine($"- The same rows from a source that knows its row count (ML.NET's cache of them) go straight into memory of that size: read in {known:F3} s, of which the cache's own cursor takes {bestOurs.KnownCountSourceCursorSeconds:F3} s, so the plumbing is {knownPlumbing:F3} s = {100 * knownPlumbing / ourEpoch:F1}% of one epoch. (Measured after the main Fit, in a fresh allocation too.)");
            }
        }
        text.AppendLine($"- Fit took {bestOurs.FitSeconds:F2} s in all.");
        text.AppendLine($"- Transform of the held-out rows: Encode of a float array takes {bestOurs.EncodeSeconds:F4} s. Through the cursor over the rows in memory (ML.NET's cache) {bestOurs.CachedTransformSeconds:F4} s, of which reading the cache costs {bestOurs.CachedSourceCursorSeconds:F4} s on its own; over the streaming source {bestOurs.TransformSeconds:F4} s, of which the source costs {bestOurs.TestSourceCursorSeconds:F4} s. What remains beyond Encode and the source ({Math.Max(0, bestOurs.CachedTransformSeconds - bestOurs.CachedSourceCursorSeconds - bestOurs.EncodeSeconds):F4} s in memory) is the cursor's own work: copying each row into the batch and serving each row's latent vector.");
        text.AppendLine($"- The exported encoder in ONNX Runtime (`SaveEncoderAsOnnx`, docs/onnx.md; as many intra-op threads as libtorch's), all held-out rows in one batch: {bestOurs.OnnxEncodeSeconds:F4} s, {bestOurs.OnnxEncodeSeconds / bestOurs.CachedTransformSeconds:F2}x the TorchSharp Transform over the rows in memory and {bestOurs.OnnxEncodeSeconds / bestOurs.EncodeSeconds:F2}x its Encode of the float array.");
        text.AppendLine();

        text.AppendLine($"The bound: one epoch is about {flopsPerEpoch / 1e9:F2} GFLOP (forward + backward = 3 x forward matrix products); at the GEMM speeds below it cannot take less than:");
        text.AppendLine();
        text.AppendLine("| GEMM shape | ours GFLOP/s | epoch bound, s | PyTorch GFLOP/s | epoch bound, s |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (shape, gflops) in bestOurs.Gemm)
        {
            string peerGflops = "", peerBound = "";
            if (bestPeer is not null && bestPeer.Gemm.TryGetValue(shape, out double p))
            {
                peerGflops = p.ToString("F1", CultureInfo.InvariantCulture);
                peerBound = (flopsPerEpoch / (p * 1e9)).ToString("F3", CultureInfo.InvariantCulture);
            }
            text.AppendLine($"| {shape} | {gflops:F1} | {flopsPerEpoch / (gflops * 1e9):F3} | {peerGflops} | {peerBound} |");
        }
        return text.ToString();
    }

    private static double EpochMedian(OurResult result) => AutoencoderBenchmark.Median(result.EpochSeconds.Skip(1));

    private static string Phase(PeerResult peer, string name)
        => peer.PhaseSeconds.TryGetValue(name, out double seconds) ? seconds.ToString("F3", CultureInfo.InvariantCulture) : "";

    private static string PeerConfiguration(PeerResult peer) => $"{peer.Threads} torch, {peer.BlasThreads} OpenBLAS";

    private static string Join(IEnumerable<double> seconds) => string.Join(", ", seconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)));

    private static void Row(StringBuilder text, string name, double ours, double? peer, string format, string target)
    {
        string peerText = peer is double p ? p.ToString(format, CultureInfo.InvariantCulture) : "";
        string ratio = peer is double q && q != 0 ? (ours / q).ToString("F2", CultureInfo.InvariantCulture) : "";
        text.AppendLine($"| {name} | {ours.ToString(format, CultureInfo.InvariantCulture)} | {peerText} | {ratio} | {target} |");
    }

    private static string Version(Assembly assembly)
        => assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? assembly.GetName().Version?.ToString() ?? "?";

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
