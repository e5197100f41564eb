namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>The benchmark's command-line settings.</summary>
internal sealed record BenchmarkSettings(int[] Threads, int Epochs, string? DataDirectory, string? OutputPath, string Python, bool SkipPeer, string[] Allocators, string? Child, int Repeat);
