using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// The architectures section: the dense seed model, the convolutional autoencoder and the variational autoencoder of
/// the <c>compare</c> command, each trained three ways (through the library's <c>Fit</c>, by the same network written
/// directly against TorchSharp, and by PyTorch, <c>peer/pytorch_architectures.py</c>), at 1 and all libtorch threads,
/// on a quiet machine and with one CPU-bound process running beside it. Every run is a process of its own.
/// </summary>
internal static class ArchitectureBenchmark
{
    public const int LatentDimension = 32;
    public const int BatchSize = 256;
    public static readonly string[] All = ["dense", "conv", "vae"];

    /// <summary>The "threads" of our default configuration (NumberOfThreads not set).</summary>
    public const int DefaultThreads = 0;

    public static string Run(BenchmarkSettings settings, string trainPath, string testPath)
    {
        var results = new List<ArchResult>();
        var loads = settings.UnderLoad ? new[] { false, true } : new[] { false };
        foreach (string arch in settings.Architectures)
        {
            foreach (bool loaded in loads)
            {
                foreach (int threads in settings.Threads.Append(DefaultThreads))
                {
                    foreach (string side in new[] { "ours", "raw", "peer" })
                    {
                        if ((side == "peer" && settings.SkipPeer) || (threads == DefaultThreads && side != "ours"))
                            continue;
                        Console.WriteLine($"Architectures: {arch}, {side}, {threads} thread(s){(loaded ? ", one CPU-bound process beside it" : "")}...");
                        using var load = loaded ? BusyProcess.Start() : null;
                        var result = side == "peer" ? RunPeer(settings, arch, threads, trainPath, testPath) : ChildRunner.Run<ArchResult>(settings, $"arch-{side}-{arch}", threads, "default");
                        if (result is not null)
                            results.Add(result with { Loaded = loaded });
                    }
                }
            }
        }

        return Format(settings, results);
    }

    private static ArchResult? RunPeer(BenchmarkSettings settings, string arch, int threads, string trainPath, string testPath)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peer", "pytorch_architectures.py");
        var environment = new Dictionary<string, string?> { ["OPENBLAS_CORETYPE"] = PeerBlas.Choose(settings).CoreType };
        var (exit, output) = ChildRunner.Execute(settings.Python, new[]
        {
            script, "--arch", arch, "--epochs", settings.Epochs.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--train-images", trainPath, "--images", testPath,
        }, environment, showProgress: true);
        if (exit != 0)
        {
            Console.WriteLine($"The PyTorch peer failed ({exit}): {output}");
            return null;
        }

        using var json = JsonDocument.Parse(output.Trim().Split('\n').Last());
        var root = json.RootElement;
        return new ArchResult(arch, "peer", threads, root.GetProperty("epoch_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            root.GetProperty("test_mse").GetDouble(), root.GetProperty("encode_seconds").GetDouble(), null, root.GetProperty("peak_rss_kb").GetInt64(),
            $"torch {root.GetProperty("torch_version").GetString()}");
    }

    /// <summary>In the child process: one side of one architecture.</summary>
    public static ArchResult Measure(string side, string arch, int threads, int epochs, string trainPath, string testPath)
    {
        var train = FashionMnist.ReadImages(trainPath);
        var test = FashionMnist.ReadImages(testPath);
        return side == "ours" ? MeasureOurs(arch, threads, epochs, train, test) : MeasureRaw(arch, threads, epochs, train, test);
    }

    private static ArchResult MeasureOurs(string arch, int threads, int epochs, float[] train, float[] test)
    {
        var ml = new MLContext(seed: 1);
        var options = new AutoencoderEstimator.Options
        {
            LatentDimension = LatentDimension,
            LatentColumnName = "Latent",
            ReconstructionColumnName = "Reconstruction",
            BatchSize = BatchSize,
            LearningRate = 1e-3f,
            MaximumNumberOfEpochs = epochs,
            EarlyStopping = false,
            NumberOfThreads = threads == DefaultThreads ? null : threads,
            Seed = 1,
            Architecture = arch switch
            {
                "dense" => new DenseArchitecture { HiddenSizes = [64] },
                "conv" => new ConvolutionalArchitecture { Channels = 1, Height = 28, Width = 28 },
                _ => new DenseArchitecture { HiddenSizes = [128] },
            },
        };
        if (arch == "vae")
        {
            options.Loss = ReconstructionLoss.BinaryCrossEntropy;
            options.Variational = new VariationalOptions { Beta = 1 };
        }

        var trainView = ToDataView(ml, train);
        using var model = ml.Transforms.Autoencoder(options).Fit(trainView);
        var testView = ml.Data.Cache(ToDataView(ml, test));
        float[] reconstructed = new float[test.Length];
        int row = 0;
        var output = model.Transform(testView);
        using (var cursor = output.GetRowCursor(output.Schema.Where(c => c.Name == "Reconstruction")))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Reconstruction"]);
            VBuffer<float> values = default;
            while (cursor.MoveNext())
            {
                getter(ref values);
                values.GetValues().CopyTo(reconstructed.AsSpan(row++ * 784));
            }
        }

        double mse = test.Zip(reconstructed, (a, b) => (double)(a - b) * (a - b)).Sum() / test.Length;
        model.Encode(test);
        double encode = AutoencoderBenchmark.Median(Enumerable.Range(0, 5).Select(_ => AutoencoderBenchmark.Time(() => model.Encode(test))));
        var transformed = model.Transform(testView);
        OurMeasurement.ReadLatents(transformed);
        double transform = AutoencoderBenchmark.Median(Enumerable.Range(0, 5).Select(_ => AutoencoderBenchmark.Time(() => OurMeasurement.ReadLatents(transformed))));
        return new ArchResult(arch, "ours", threads, model.TrainingHistory.Select(h => h.Seconds).ToArray(), mse, encode, transform, OurMeasurement.PeakRssKilobytes(), null);
    }

    private static IDataView ToDataView(MLContext ml, float[] pixels)
        => ml.Data.LoadFromEnumerable(Enumerable.Range(0, pixels.Length / 784).Select(i => new StreamingImages.Row { Features = pixels.AsSpan(i * 784, 784).ToArray() }));

    /// <summary>The same networks and losses written directly against TorchSharp (see peer/pytorch_architectures.py).</summary>
    private static ArchResult MeasureRaw(string arch, int threads, int epochs, float[] trainPixels, float[] testPixels)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(42);
        long rows = trainPixels.Length / 784;
        using var train = torch.tensor(trainPixels, new long[] { rows, 784 });
        using var test = torch.tensor(testPixels, new long[] { testPixels.Length / 784, 784 });
        Module<Tensor, Tensor> encoder, decoder;
        if (arch == "conv")
        {
            encoder = Sequential(Unflatten(1, new long[] { 1, 28, 28 }), Conv2d(1, 16, 3, stride: 2, padding: 1), ReLU(), Conv2d(16, 32, 3, stride: 2, padding: 1), ReLU(), Flatten(), Linear(32 * 7 * 7, LatentDimension));
            decoder = Sequential(Linear(LatentDimension, 32 * 7 * 7), ReLU(), Unflatten(1, new long[] { 32, 7, 7 }),
                ConvTranspose2d(32, 16, 3, stride: 2, padding: 1, output_padding: 1), ReLU(), ConvTranspose2d(16, 1, 3, stride: 2, padding: 1, output_padding: 1), Flatten());
        }
        else
        {
            int hidden = arch == "vae" ? 128 : 64;
            encoder = Sequential(Linear(784, hidden), ReLU(), Linear(hidden, arch == "vae" ? 2 * LatentDimension : LatentDimension));
            decoder = Sequential(Linear(LatentDimension, hidden), ReLU(), Linear(hidden, 784));
        }

        using var optimizer = optim.Adam(encoder.parameters().Concat(decoder.parameters()), 1e-3);
        using var generator = new Generator(42);
        Tensor Code(Tensor x) => arch == "vae" ? encoder.call(x).narrow(1, 0, LatentDimension) : encoder.call(x);
        Tensor Loss(Tensor x)
        {
            if (arch != "vae")
                return functional.mse_loss(torch.sigmoid(decoder.call(encoder.call(x))), x);
            var parts = encoder.call(x).chunk(2, 1);
            var (mean, logVariance) = (parts[0], parts[1]);
            var z = mean + torch.exp(0.5 * logVariance) * torch.randn_like(mean);
            var kl = (-0.5 * (1 + logVariance - mean.square() - logVariance.exp()).sum(1)).mean();
            return functional.binary_cross_entropy_with_logits(decoder.call(z), x) + kl / 784;
        }

        var epochSeconds = new List<double>();
        long batches = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var wall = Stopwatch.StartNew();
            using var order = torch.randperm(rows, generator: generator);
            for (long start = 0; start < rows; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = train.index_select(0, order.narrow(0, start, Math.Min(BatchSize, rows - start)));
                optimizer.zero_grad();
                var loss = Loss(batch);
                loss.backward();
                optimizer.step();
                loss.item<float>();
                if (++batches % 8 == 0)
                    CollectScalars();
            }

            epochSeconds.Add(wall.Elapsed.TotalSeconds);
            Console.WriteLine($"TorchSharp alone, {arch}: epoch {epoch + 1}, {wall.Elapsed.TotalSeconds:F2} s");
        }

        encoder.eval();
        decoder.eval();
        double mse, encodeSeconds;
        using (torch.no_grad())
        {
            double sum = 0;
            for (long start = 0; start < test.shape[0]; start += 1024)
            {
                using var scope = torch.NewDisposeScope();
                var batch = test.narrow(0, start, Math.Min(1024, test.shape[0] - start));
                sum += functional.mse_loss(torch.sigmoid(decoder.call(Code(batch))), batch, Reduction.Sum).item<float>();
            }

            mse = sum / testPixels.Length;
            void EncodeAll()
            {
                using var scope = torch.NewDisposeScope();
                var parts = new List<Tensor>();
                for (long start = 0; start < test.shape[0]; start += 1024)
                    parts.Add(Code(test.narrow(0, start, Math.Min(1024, test.shape[0] - start))));
                torch.cat(parts, 0);
            }

            EncodeAll();
            encodeSeconds = AutoencoderBenchmark.Median(Enumerable.Range(0, 5).Select(_ => AutoencoderBenchmark.Time(EncodeAll)));
        }

        encoder.Dispose();
        decoder.Dispose();
        return new ArchResult(arch, "raw", threads, epochSeconds.ToArray(), mse, encodeSeconds, null, OurMeasurement.PeakRssKilobytes(), null);
    }

    /// <summary>
    /// What a careful TorchSharp user does, and the library does every 8 batches: run the finalizers of TorchSharp's
    /// temporary native scalars (created by every call given a double), whose pile-up otherwise fragments the native
    /// heap (docs/performance.md). Without it this loop was 1.5x slower: the peer must run at its best.
    /// </summary>
    internal static void CollectScalars()
    {
        GC.Collect(0);
        GC.WaitForPendingFinalizers();
    }

    private static double Epoch(ArchResult result) => AutoencoderBenchmark.Median(result.EpochSeconds.Skip(result.EpochSeconds.Length > 1 ? 1 : 0));

    private static string Format(BenchmarkSettings settings, IReadOnlyList<ArchResult> results)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("## Every architecture: ours, TorchSharp alone and PyTorch");
        text.AppendLine();
        text.AppendLine($"Latent size {LatentDimension}, Adam 1e-3, batch {BatchSize}, {settings.Epochs} epochs (seconds per epoch: the median of epochs 2..{settings.Epochs}), "
            + "no early stopping. dense: 784-64-32-64-784, MSE; conv: 1x28x28 -> 16x14x14 -> 32x7x7 -> 32 and back (3x3, stride 2), MSE; "
            + "vae: 784-128-(32 mean, 32 log-variance), decoder 32-128-784, binary cross-entropy + KL / 784. Ours: `Fit` through the estimator; "
            + "TorchSharp alone: the same network and loss written directly against TorchSharp (no ML.NET, none of the library; it runs the finalizers of TorchSharp's temporary scalars every 8 batches, as the library does); PyTorch: `peer/pytorch_architectures.py`. "
            + "Ours \"default\": `NumberOfThreads` not set (libtorch's setting capped at one processor fewer than the machine has). Held-out MSE: the reconstruction from the (mean) code against the 10k held-out images. Encode: the 10k held-out rows to codes "
            + "(ours: `Encode` of a float array; `Transform` through the cursor over cached rows in brackets). Loaded: one CPU-bound process "
            + "(`sh -c 'while :; do :; done'`) running during the measurement. (Peak memory: the dense section above; these processes hold extra copies of the data.)");
        text.AppendLine();
        foreach (string arch in settings.Architectures)
        {
            var rows = results.Where(r => r.Arch == arch).ToList();
            if (rows.Count == 0)
                continue;
            text.AppendLine($"### {arch}");
            text.AppendLine();
            text.AppendLine("| side | threads | s/epoch | s/epoch, loaded | loaded / unloaded 1 thread | held-out MSE | encode 10k s |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (string side in new[] { "ours", "raw", "peer" })
            {
                var oneThread = rows.FirstOrDefault(r => r.Side == side && !r.Loaded && r.Threads == 1);
                foreach (int threads in side == "ours" ? settings.Threads.Append(DefaultThreads) : settings.Threads)
                {
                    var quiet = rows.FirstOrDefault(r => r.Side == side && !r.Loaded && r.Threads == threads);
                    var busy = rows.FirstOrDefault(r => r.Side == side && r.Loaded && r.Threads == threads);
                    if (quiet is null && busy is null)
                        continue;
                    string name = side switch { "ours" => "ours (Fit)", "raw" => "TorchSharp alone", _ => "PyTorch" + (quiet?.Detail is string d ? $" ({d})" : "") };
                    string loadedRatio = busy is not null && oneThread is not null ? (Epoch(busy) / Epoch(oneThread)).ToString("F2", inv) : "";
                    string encode = quiet is null ? "" : quiet.EncodeSeconds.ToString("F4", inv) + (quiet.TransformSeconds is double t ? $" ({t.ToString("F4", inv)})" : "");
                    string threadText = threads == DefaultThreads ? "default" : threads.ToString(inv);
                    text.AppendLine($"| {name} | {threadText} | {(quiet is null ? "" : Epoch(quiet).ToString("F3", inv))} | {(busy is null ? "" : Epoch(busy).ToString("F3", inv))} | {loadedRatio} | "
                        + $"{(quiet is null ? "" : quiet.HeldOutMse.ToString("F5", inv))} | {encode} |");
                }
            }

            text.AppendLine();
            ArchResult? Best(string side) => rows.Where(r => r.Side == side && !r.Loaded && r.Threads != DefaultThreads).MinBy(Epoch);
            var (ours, raw, peer) = (Best("ours"), Best("raw"), Best("peer"));
            if (ours is not null && raw is not null)
                text.AppendLine($"Best thread counts: ours / TorchSharp alone **{(Epoch(ours) / Epoch(raw)).ToString("F2", inv)}x** seconds per epoch ({ours.Threads} vs {raw.Threads} threads)"
                    + (peer is null ? "." : $"; ours / PyTorch **{(Epoch(ours) / Epoch(peer)).ToString("F2", inv)}x** ({peer.Threads} threads)."));
            text.AppendLine();
        }

        return text.ToString();
    }
}

/// <summary>What one architecture's run measured.</summary>
internal sealed record ArchResult(string Arch, string Side, int Threads, double[] EpochSeconds, double HeldOutMse, double EncodeSeconds, double? TransformSeconds, long PeakRssKilobytes, string? Detail)
{
    public bool Loaded { get; init; }
}

/// <summary>One CPU-bound process for the loaded measurements (a shell loop: one thread, no memory traffic).</summary>
internal sealed class BusyProcess : IDisposable
{
    private readonly Process _process;

    private BusyProcess(Process process) => _process = process;

    public static BusyProcess Start()
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("while :; do :; done");
        return new BusyProcess(Process.Start(start)!);
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
