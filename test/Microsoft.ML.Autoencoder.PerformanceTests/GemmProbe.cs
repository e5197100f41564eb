using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>Measures libtorch's single-precision matrix multiply speed in this process (best of several runs).</summary>
internal static class GemmProbe
{
    public static IReadOnlyDictionary<string, double> Measure(int threads)
    {
        torch.set_num_threads(threads);
        var result = new Dictionary<string, double>();
        foreach (var (m, k, n) in new[] { (256L, 784L, 64L), (256L, 64L, 784L), (1024L, 1024L, 1024L) })
        {
            using var scope = torch.NewDisposeScope();
            var a = torch.randn(m, k);
            var b = torch.randn(k, n);
            int reps = m * k * n > 100_000_000 ? 10 : 200;
            torch.mm(a, b);
            double best = Enumerable.Range(0, 5).Select(_ => AutoencoderBenchmark.Time(() =>
            {
                for (int i = 0; i < reps; i++)
                    torch.mm(a, b).Dispose();
            })).Min();
            result[$"{m}x{k}@{k}x{n}"] = 2.0 * m * k * n * reps / best / 1e9;
        }
        return result;
    }
}
