using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// The <c>bfloat16</c> command (issue 15): does bfloat16 make the dense seed model's training faster on this CPU, and at
/// what held-out error? TorchSharp 0.107 exposes no autocast, so the mixed-precision variant casts by hand what autocast
/// would: each linear layer's input, weight and bias to bfloat16 for the product (float32 master weights, Adam in float32,
/// the loss in float32). The all-bfloat16 variant keeps the weights, the data and Adam in bfloat16 (the fastest case the
/// CPU allows, not a usable training). Each against the float32 loop, the TorchSharp-alone loop of the benchmark, in one
/// process at one libtorch thread; also libtorch's matrix product speed in both precisions.
/// </summary>
internal static class BFloat16Command
{
    private const int BatchSize = 256;

    public static int Run(int epochs, int threads, string? dataDirectory)
    {
        var (trainPath, testPath) = AutoencoderBenchmark.FindData(dataDirectory);
        var train = FashionMnist.ReadImages(trainPath);
        var test = FashionMnist.ReadImages(testPath);
        torch.set_num_threads(threads);
        Console.WriteLine($"CPU: {CpuInfo.Model} ({CpuInfo.KernelFlags}); libtorch threads {threads}; {train.Length / 784} training rows, {test.Length / 784} held out; {epochs} epochs, median of epochs 2..{epochs}");
        foreach (var (m, k, n) in new[] { (256L, 784L, 64L), (256L, 64L, 784L), (1024L, 1024L, 1024L) })
        {
            Console.WriteLine($"GEMM {m}x{k}@{k}x{n}: float32 {Gemm(m, k, n, ScalarType.Float32):F0} GFLOP/s, bfloat16 {Gemm(m, k, n, ScalarType.BFloat16):F0} GFLOP/s");
        }

        Console.WriteLine();
        Console.WriteLine("| precision | s/epoch (median) | held-out MSE |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var precision in new[] { "float32", "mixed bfloat16 (products)", "bfloat16 (everything)", "float32" })
        {
            var (seconds, mse) = Train(train, test, epochs, precision);
            Console.WriteLine($"| {precision} | {seconds:F3} | {mse:F6} |");
        }
        return 0;
    }

    private static double Gemm(long m, long k, long n, ScalarType type)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(m, k).to(type);
        var b = torch.randn(k, n).to(type);
        int reps = m * k * n > 100_000_000 ? 10 : 200;
        torch.mm(a, b);
        double best = double.PositiveInfinity;
        for (int run = 0; run < 5; run++)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
                torch.mm(a, b).Dispose();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return 2.0 * m * k * n * reps / best / 1e9;
    }

    /// <summary>One linear layer whose product runs in bfloat16 (mixed) or in its parameters' own precision.</summary>
    private static Tensor Apply(Linear layer, Tensor x, bool mixed)
        => mixed
            ? functional.linear(x.to(ScalarType.BFloat16), layer.weight!.to(ScalarType.BFloat16), layer.bias!.to(ScalarType.BFloat16))
            : layer.call(x);

    private static (double Seconds, double HeldOutMse) Train(float[] train, float[] test, int epochs, string precision)
    {
        bool mixed = precision.StartsWith("mixed", StringComparison.Ordinal);
        var type = precision.StartsWith("bfloat16", StringComparison.Ordinal) ? ScalarType.BFloat16 : ScalarType.Float32;
        torch.manual_seed(42);
        int rows = train.Length / 784;
        using var data = torch.tensor(train, new long[] { rows, 784 }).to(type);
        var layers = new[] { Linear(784, 64), Linear(64, 32), Linear(32, 64), Linear(64, 784) };
        foreach (var layer in layers)
            layer.to(type);
        var parameters = layers.SelectMany(layer => layer.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, 1e-3);
        using var generator = new Generator(42);

        Tensor Forward(Tensor x)
        {
            var h = functional.relu(Apply(layers[0], x, mixed));
            var z = Apply(layers[1], h, mixed);
            h = functional.relu(Apply(layers[2], z, mixed));
            return functional.sigmoid(Apply(layers[3], h, mixed)).to(ScalarType.Float32);
        }

        var epochSeconds = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            using var order = torch.randperm(rows, generator: generator);
            for (long start = 0; start < rows; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = data.index_select(0, order.narrow(0, start, Math.Min(BatchSize, rows - start)));
                optimizer.zero_grad();
                var loss = functional.mse_loss(Forward(batch), batch.to(ScalarType.Float32));
                loss.backward();
                optimizer.step();
                loss.item<float>();
                if (((start / BatchSize) + 1) % 8 == 0)
                    ArchitectureBenchmark.CollectScalars();
            }
            epochSeconds.Add(watch.Elapsed.TotalSeconds);
        }

        double mse;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var heldOut = torch.tensor(test, new long[] { test.Length / 784, 784 });
            mse = functional.mse_loss(Forward(heldOut.to(type)), heldOut).item<float>();
        }
        foreach (var layer in layers)
            layer.Dispose();
        var measured = epochSeconds.Skip(epochs > 1 ? 1 : 0).OrderBy(s => s).ToArray();
        return (measured[measured.Length / 2], mse);
    }
}
