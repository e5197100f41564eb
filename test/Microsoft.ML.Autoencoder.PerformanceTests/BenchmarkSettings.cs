namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>The benchmark's command-line settings.</summary>
internal sealed record BenchmarkSettings(int[] Threads, int Epochs, string? DataDirectory, string? OutputPath, string Python, bool SkipPeer, string[] Allocators, string? Child, int Repeat)
{
    /// <summary>The architectures section's architectures (empty: skip it).</summary>
    public string[] Architectures { get; init; } = ArchitectureBenchmark.All;

    /// <summary>Whether the architectures section also measures with a CPU-bound process beside it.</summary>
    public bool UnderLoad { get; init; } = true;

    /// <summary>Whether to run only the architectures section (not the dense seed model's detailed sections).</summary>
    public bool OnlyArchitectures { get; init; }
}
