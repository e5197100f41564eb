using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// The same training written directly against TorchSharp, line for line like the PyTorch peer, with no ML.NET
/// and none of the library's code: it separates what the library adds from what TorchSharp and libtorch cost.
/// </summary>
internal static class RawTorchSharpLoop
{
    public static RawResult Measure(float[] pixels, int rows, int threads, int epochs)
    {
        // The library's allocator settings, so that this loop differs from the library only in the library's code.
        if (ChildRunner.TuneNativeAllocator)
            Microsoft.ML.Autoencoder.Platform.NativeAllocatorTuning.Apply(_ => { });
        torch.set_num_threads(threads);
        torch.manual_seed(42);
        using var data = torch.tensor(pixels, new long[] { rows, 784 });
        using var encoder = Sequential(Linear(784, 64), ReLU(), Linear(64, 32));
        using var decoder = Sequential(Linear(32, 64), ReLU(), Linear(64, 784), Sigmoid());
        var parameters = encoder.parameters().Concat(decoder.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, 1e-3);
        using var generator = new Generator(42);
        var epochSeconds = new List<double>();
        var cpuSeconds = new List<double>();
        double forward = 0, backward = 0, step = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var wall = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            using var order = torch.randperm(rows, generator: generator);
            for (long start = 0; start < rows; start += 256)
            {
                using var scope = torch.NewDisposeScope();
                long t0 = Stopwatch.GetTimestamp();
                var batch = data.index_select(0, order.narrow(0, start, Math.Min(256, rows - start)));
                optimizer.zero_grad();
                var loss = functional.mse_loss(decoder.call(encoder.call(batch)), batch);
                long t1 = Stopwatch.GetTimestamp();
                loss.backward();
                long t2 = Stopwatch.GetTimestamp();
                optimizer.step();
                long t3 = Stopwatch.GetTimestamp();
                loss.item<float>();
                if (((start / 256) + 1) % 8 == 0)
                    ArchitectureBenchmark.CollectScalars();
                forward += (t1 - t0) / (double)Stopwatch.Frequency;
                backward += (t2 - t1) / (double)Stopwatch.Frequency;
                step += (t3 - t2) / (double)Stopwatch.Frequency;
            }
            epochSeconds.Add(wall.Elapsed.TotalSeconds);
            Console.WriteLine($"TorchSharp alone: epoch {epoch + 1}, {wall.Elapsed.TotalSeconds:F2} s [RSS {Environment.WorkingSet >> 20} MB; {NativeHeap.Describe()}]");
            cpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        return new RawResult(threads, epochSeconds.ToArray(), cpuSeconds.ToArray(), forward / epochs, backward / epochs, step / epochs);
    }
}

/// <summary>What <see cref="RawTorchSharpLoop"/> measured.</summary>
internal sealed record RawResult(int Threads, double[] EpochSeconds, double[] EpochCpuSeconds, double ForwardSeconds, double BackwardSeconds, double StepSeconds);
