using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>What the benchmark measured of Microsoft.ML.Autoencoder.</summary>
internal sealed record OurResult(
    double[] EpochSeconds,
    double[] EpochCpuSeconds,
    double[] TrainingLosses,
    double FitSeconds,
    double? ReadSeconds,
    double SourceCursorSeconds,
    double HeldOutMse,
    double TransformSeconds,
    double TestSourceCursorSeconds,
    double CachedTransformSeconds,
    double CachedSourceCursorSeconds,
    double EncodeSeconds,
    double OnnxEncodeSeconds,
    double PredictP50Milliseconds,
    double PredictP99Milliseconds,
    long PeakRssKilobytes,
    double? KnownCountReadSeconds,
    double KnownCountSourceCursorSeconds,
    double FirstTouchSeconds,
    IReadOnlyDictionary<string, double> Gemm,
    int TorchThreads,
    int TrainRows,
    int TestRows);
