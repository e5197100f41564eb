using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// The <c>step-profile</c> command (issue 15): one training step of the dense seed model (784-64-32-64-784, ReLU, sigmoid
/// output, MSE, Adam, batch 256) in the TorchSharp-alone loop, taken apart. TorchSharp 0.107 has no profiler, so each
/// part is timed on its own, as the same libtorch calls on tensors of the same shapes: the step as a whole, its eleven
/// matrix products, its elementwise kernels (forward and the backward formulas autograd runs), the bias gradients' sums,
/// the batch gather, Adam's step and the cost of one libtorch call through TorchSharp. What the parts do not explain is
/// autograd's own bookkeeping. Figures are per epoch of 60,000 rows (235 steps), the median of several rounds.
/// </summary>
internal static class StepProfile
{
    private const int Batch = 256;
    private const int Rows = 60_000;
    private const int Steps = (Rows + Batch - 1) / Batch;

    public static int Run(int threads, int rounds)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(1);
        Console.WriteLine($"CPU: {CpuInfo.Model} ({CpuInfo.KernelFlags}); libtorch threads {threads}; dense seed model, batch {Batch}; seconds per epoch of {Rows} rows ({Steps} steps), median of {rounds} rounds");
        using var data = torch.rand(Rows, 784);
        using var encoder = Sequential(Linear(784, 64), ReLU(), Linear(64, 32));
        using var decoder = Sequential(Linear(32, 64), ReLU(), Linear(64, 784), Sigmoid());
        var parameters = encoder.parameters().Concat(decoder.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, 1e-3);
        using var order = torch.randperm(Rows);
        using var index = order.narrow(0, 0, Batch);

        var weights = new[] { (784L, 64L), (64L, 32L), (32L, 64L), (64L, 784L) }
            .Select(shape => (W: torch.randn(shape.Item2, shape.Item1), b: torch.randn(shape.Item2))).ToArray();
        var x = torch.rand(Batch, 784);
        var h1 = torch.rand(Batch, 64);
        var code = torch.rand(Batch, 32);
        var h3 = torch.rand(Batch, 64);
        var z = torch.randn(Batch, 784);
        var y = torch.sigmoid(z);
        var g784 = torch.randn(Batch, 784);
        var g64 = torch.randn(Batch, 64);
        var g32 = torch.randn(Batch, 32);
        var scalar = torch.ones(1);

        var parts = new List<(string Name, double Seconds, int Calls)>();
        double Measure(Action step) => AutoencoderBenchmark.Median(Enumerable.Range(0, rounds).Select(_ => AutoencoderBenchmark.Time(step)));

        void TrainSteps()
        {
            for (int i = 0; i < Steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                var batch = data.index_select(0, index);
                optimizer.zero_grad();
                var loss = functional.mse_loss(decoder.call(encoder.call(batch)), batch);
                loss.backward();
                optimizer.step();
                if ((i + 1) % 8 == 0)
                    ArchitectureBenchmark.CollectScalars();
            }
        }
        TrainSteps();
        TrainSteps(); // warm: the first rounds of a process run slower (the allocator's thresholds adapt, pages first touched)
        TrainSteps();
        double whole = Measure(TrainSteps);
        long faults = MinorFaults();
        double wholeAgain = AutoencoderBenchmark.Time(TrainSteps);
        faults = MinorFaults() - faults;
        double backwardOnly;
        using (var scope = torch.NewDisposeScope())
        {
            var batch = data.index_select(0, index);
            var loss = functional.mse_loss(decoder.call(encoder.call(batch)), batch);
            loss.backward(retain_graph: true);
            backwardOnly = Measure(() =>
            {
                for (int i = 0; i < Steps; i++)
                    loss.backward(retain_graph: true);
            });
        }
        double forwardOnly = Measure(() =>
        {
            for (int i = 0; i < Steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                var batch = data.index_select(0, index);
                functional.mse_loss(decoder.call(encoder.call(batch)), batch);
            }
        });
        double stepOnly = Measure(() =>
        {
            for (int i = 0; i < Steps; i++)
            {
                optimizer.step();
                if ((i + 1) % 8 == 0)
                    ArchitectureBenchmark.CollectScalars();
            }
        });

        // The eleven products: four forward (linear = addmm), four weight gradients, three input gradients.
        parts.Add(("matrix products, forward (4 addmm)", Repeat(() =>
        {
            functional.linear(x, weights[0].W, weights[0].b).Dispose();
            functional.linear(h1, weights[1].W, weights[1].b).Dispose();
            functional.linear(code, weights[2].W, weights[2].b).Dispose();
            functional.linear(h3, weights[3].W, weights[3].b).Dispose();
        }, Measure), 4));
        parts.Add(("matrix products, backward (4 weight + 3 input gradients)", Repeat(() =>
        {
            torch.mm(g784.t(), h3).Dispose(); // dW4 [784,64]
            torch.mm(g784, weights[3].W).Dispose(); // dh3 [256,64]
            torch.mm(g64.t(), code).Dispose(); // dW3 [64,32]
            torch.mm(g64, weights[2].W).Dispose(); // dcode [256,32]
            torch.mm(g32.t(), h1).Dispose(); // dW2 [32,64]
            torch.mm(g32, weights[1].W).Dispose(); // dh1 [256,64]
            torch.mm(g64.t(), x).Dispose(); // dW1 [64,784]
        }, Measure), 7));
        parts.Add(("elementwise forward (2 ReLU, sigmoid, MSE)", Repeat(() =>
        {
            torch.nn.functional.relu(h1).Dispose();
            torch.nn.functional.relu(h3).Dispose();
            torch.sigmoid(z).Dispose();
            functional.mse_loss(y, x).Dispose();
        }, Measure), 4));
        // The backward kernels autograd runs for them (MSE's, sigmoid's and the two ReLUs'), each stood in for by one
        // kernel of the same memory traffic (two tensors read, one written): TorchSharp does not expose the *_backward ops.
        parts.Add(("elementwise backward (4 kernels, MSE's, sigmoid's and 2 ReLUs' traffic)", Repeat(() =>
        {
            torch.sub(y, x).Dispose();
            torch.mul(g784, y).Dispose();
            torch.mul(g64, h1).Dispose();
            torch.mul(g64, h3).Dispose();
        }, Measure), 4));
        parts.Add(("bias gradients (4 column sums)", Repeat(() =>
        {
            g784.sum(0).Dispose();
            g64.sum(0).Dispose();
            g32.sum(0).Dispose();
            g64.sum(0).Dispose();
        }, Measure), 4));
        parts.Add(("batch gather (index_select of 256 rows)", Repeat(() => data.index_select(0, index).Dispose(), Measure), 1));
        parts.Add(("Adam's step (8 parameters)", stepOnly, 0));
        double call = Repeat(() => scalar.add_(scalar), Measure) / Steps; // one libtorch call on one value
        Console.WriteLine();
        Console.WriteLine("| part of a training step | libtorch calls | s/epoch | share of the step |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| the whole step (forward, backward, Adam) | | {whole:F3} | 100% |");
        foreach (var (name, seconds, calls) in parts)
            Console.WriteLine($"| {name} | {(calls > 0 ? calls.ToString() : "")} | {seconds:F3} | {100 * seconds / whole:F0}% |");
        double explained = parts.Sum(p => p.Seconds);
        Console.WriteLine($"| what the parts leave: autograd's graph, its bookkeeping, gradient accumulation and zeroing | | {whole - explained:F3} | {100 * (whole - explained) / whole:F0}% |");
        Console.WriteLine();
        double backwardParts = parts.Skip(1).Take(1).Concat(parts.Skip(3).Take(2)).Sum(p => p.Seconds);
        double forwardParts = parts[0].Seconds + parts[2].Seconds + parts[5].Seconds;
        Console.WriteLine($"Forward alone (with autograd recording, no backward): {forwardOnly:F3} s/epoch, of which its parts above {forwardParts:F3}. Backward alone (the same graph again, retained): {backwardOnly:F3} s/epoch, of which its products, elementwise kernels and bias sums {backwardParts:F3}. One libtorch call through TorchSharp on a one-value tensor: {call * 1e6:F1} us. Minor page faults of the whole step: {faults / (double)Steps:F0} per step ({wholeAgain:F3} s/epoch in that round).");
        // Last, as it changes the process: glibc's trim and mmap thresholds raised (the library's opt-in TuneNativeAllocator).
        Microsoft.ML.Autoencoder.Platform.NativeAllocatorTuning.Apply(_ => { });
        long tunedFaults = MinorFaults();
        double tuned = Measure(TrainSteps);
        tunedFaults = MinorFaults() - tunedFaults;
        Console.WriteLine($"The whole step with glibc's trim and mmap thresholds raised (TuneNativeAllocator): {tuned:F3} s/epoch, {tunedFaults / (double)(Steps * rounds):F0} minor page faults per step.");
        double products = parts.Take(2).Sum(p => p.Seconds);
        Console.WriteLine($"The products are {100 * products / whole:F0}% of the step; a step of nothing but them would take {products / whole:F2}x the step.");
        foreach (var tensor in weights.SelectMany(w => new[] { w.W, w.b }).Concat(new[] { x, h1, code, h3, z, y, g784, g64, g32, scalar }))
            tensor.Dispose();
        return 0;
    }

    /// <summary>Seconds per epoch of <paramref name="body"/> run once per step.</summary>
    private static double Repeat(Action body, Func<Action, double> measure)
    {
        body();
        return measure(() =>
        {
            for (int i = 0; i < Steps; i++)
                body();
        });
    }

    private static long MinorFaults()
    {
        var fields = System.IO.File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture); // minflt
    }
}
