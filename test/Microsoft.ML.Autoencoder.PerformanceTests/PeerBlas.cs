using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// Chooses the PyTorch peer's best OpenBLAS kernels on this machine. Debian's OpenBLAS 0.3.21 misdetects some newer CPUs
/// (it ran its generic Prescott kernels on a Sapphire Rapids Xeon: 4x slower GEMM than SkylakeX), so a peer started as
/// detected can be far slower than it could be, which would flatter the library. Each candidate core type (the detected
/// one, and each <c>OPENBLAS_CORETYPE</c> the CPU's flags allow) runs <c>peer/blas_probe.py</c> in its own process; the
/// fastest whose products are correct wins. <c>OPENBLAS_CORETYPE</c> is set only in the peer's processes.
/// </summary>
internal static class PeerBlas
{
    private static (string? CoreType, string Description)? s_choice;

    /// <summary>The chosen <c>OPENBLAS_CORETYPE</c> (null: as detected) and a markdown description of the trial.</summary>
    public static (string? CoreType, string Description) Choose(BenchmarkSettings settings)
    {
        if (s_choice is { } known)
            return known;
        string script = Path.Combine(AppContext.BaseDirectory, "peer", "blas_probe.py");
        var flags = CpuInfo.Flags;
        var candidates = new List<string?> { null };
        if (flags.Contains("avx512_bf16"))
            candidates.Add("Cooperlake");
        if (flags.Contains("avx512f"))
            candidates.Add("SkylakeX");
        if (flags.Contains("avx2"))
            candidates.Add("Haswell");
        if (flags.Contains("avx2") && CpuInfo.Vendor == "AuthenticAMD")
            candidates.Add("Zen");
        if (flags.Contains("avx"))
            candidates.Add("Sandybridge");

        var rows = new List<(string Label, double Gflops, double Square, bool Correct, string? Core)>();
        foreach (var candidate in candidates)
        {
            var environment = new Dictionary<string, string?> { ["OPENBLAS_CORETYPE"] = candidate, ["OPENBLAS_NUM_THREADS"] = "1" };
            var (exit, output) = ChildRunner.Execute(settings.Python, new[] { script, "1" }, environment);
            if (exit != 0)
            {
                rows.Add((candidate ?? "(detected)", double.NaN, double.NaN, false, null));
                continue;
            }

            using var json = JsonDocument.Parse(output.Trim().Split('\n').Last());
            var root = json.RootElement;
            string? core = root.GetProperty("corename").GetString();
            rows.Add(($"{candidate ?? "(detected)"} -> {core}", root.GetProperty("gflops").GetDouble(), root.GetProperty("square_gflops").GetDouble(),
                root.GetProperty("correct").GetBoolean(), candidate));
        }

        var best = rows.Where(row => row.Correct && !double.IsNaN(row.Gflops)).OrderByDescending(row => row.Gflops).FirstOrDefault();
        var text = new StringBuilder();
        text.AppendLine($"PyTorch's OpenBLAS kernels, tried in turn (one thread, `peer/blas_probe.py`; products checked against float64): "
            + $"chosen **{best.Label ?? "none"}**{(best.Core is null ? " (as detected)" : $" (`OPENBLAS_CORETYPE={best.Core}` in the peer's processes only)")}.");
        text.AppendLine();
        text.AppendLine("| OPENBLAS_CORETYPE -> kernels | 256x784x64 GFLOP/s | 1024^3 GFLOP/s | correct |");
        text.AppendLine("| --- | ---: | ---: | --- |");
        foreach (var row in rows)
            text.AppendLine($"| {row.Label} | {row.Gflops:F1} | {row.Square:F1} | {(row.Correct ? "yes" : "no")} |");
        text.AppendLine();
        s_choice = (best.Core, text.ToString());
        return s_choice.Value;
    }
}

/// <summary>What the report says about the CPU: model, vendor and the flags that decide which kernels run.</summary>
internal static class CpuInfo
{
    private static readonly Lazy<(string Model, string Vendor, HashSet<string> Flags)> s_info = new(Read);

    public static string Model => s_info.Value.Model;

    public static string Vendor => s_info.Value.Vendor;

    public static IReadOnlySet<string> Flags => s_info.Value.Flags;

    /// <summary>The flags that matter for the kernels (present ones only).</summary>
    public static string KernelFlags => string.Join(", ", new[] { "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16" }.Where(Flags.Contains));

    private static (string, string, HashSet<string>) Read()
    {
        string model = "unknown", vendor = "unknown";
        var flags = new HashSet<string>();
        if (!File.Exists("/proc/cpuinfo"))
            return (model, vendor, flags);
        foreach (string line in File.ReadLines("/proc/cpuinfo"))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
                continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (key == "model name" && model == "unknown")
                model = value;
            else if (key == "vendor_id" && vendor == "unknown")
                vendor = value;
            else if (key == "flags" && flags.Count == 0)
                flags.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        return (model, vendor, flags);
    }
}
