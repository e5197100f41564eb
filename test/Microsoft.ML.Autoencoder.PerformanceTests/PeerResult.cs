using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>What the PyTorch peer reported (a subset of its JSON).</summary>
internal sealed record PeerResult(
    string TorchVersion,
    string Blas,
    int Threads,
    int BlasThreads,
    double[] EpochSeconds,
    double[] EpochCpuSeconds,
    double MedianEpochSeconds,
    double TestMse,
    double EncodeSeconds,
    long PeakRssKilobytes,
    IReadOnlyDictionary<string, double> Gemm,
    IReadOnlyDictionary<string, double> PhaseSeconds,
    double? TrainConvertSeconds);
