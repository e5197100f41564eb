using System;
using System.CommandLine;
using System.Linq;
using Microsoft.ML.Autoencoder.PerformanceTests;

// The performance benchmark of Microsoft.ML.Autoencoder against PyTorch, in one run on one machine.
var threads = new Option<int[]>("--threads") { Description = "libtorch thread counts to measure (both sides; the peer also tries 1 torch thread with all BLAS threads). Default: 1 and the processor count.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : new[] { 1 } };
var epochs = new Option<int>("--epochs") { Description = "Training epochs (the median is over epochs 2..N).", DefaultValueFactory = _ => 5 };
var data = new Option<string?>("--data") { Description = "Folder with Fashion-MNIST IDX files; default: Debian's dataset-fashion-mnist, else the embedded 10k split." };
var output = new Option<string?>("--output") { Description = "Markdown file to write the results to." };
var python = new Option<string>("--python") { Description = "The Python interpreter that has torch.", DefaultValueFactory = _ => "/usr/bin/python3" };
var noPeer = new Option<bool>("--no-peer") { Description = "Skip the PyTorch peer." };
var allocators = new Option<string[]>("--allocator") { Description = "Allocator settings to measure, each in its own section: 'default' (the process environment as given, without GLIBC_TUNABLES; the library's defaults, which leave the process's malloc settings alone), 'mallopt' (the library's opt-in TuneNativeAllocator = true, and the same in the TorchSharp-alone loop) and 'tuned' (GLIBC_TUNABLES=glibc.malloc.tcache_count=0 on both sides). Default: default mallopt.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => new[] { "default", "mallopt" } };
allocators.AcceptOnlyFromAmong("default", "mallopt", "tuned");
var repeat = new Option<int>("--repeat") { Description = "Runs of every configuration, interleaved; each configuration is reported by its median run, with every run's figures listed.", DefaultValueFactory = _ => 1 };
var child = new Option<string?>("--child") { Description = "Internal: measure one side ('ours' or 'raw') at the first --threads value in this process and print the result as JSON.", Hidden = true };
child.AcceptOnlyFromAmong(new[] { "ours", "raw" }.Concat(ArchitectureBenchmark.All.SelectMany(arch => new[] { $"arch-ours-{arch}", $"arch-raw-{arch}" })).ToArray());
var architectures = new Option<string[]>("--architectures") { Description = "Architectures of the architectures section (ours, TorchSharp alone and PyTorch, quiet and loaded): dense conv vae, or none. Default: all three.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ArchitectureBenchmark.All };
architectures.AcceptOnlyFromAmong(ArchitectureBenchmark.All.Append("none").ToArray());
var noLoad = new Option<bool>("--no-load") { Description = "Skip the architectures section's runs with a CPU-bound process beside them." };
var onlyArchitectures = new Option<bool>("--only-architectures") { Description = "Run only the architectures section." };
var root = new RootCommand("Trains and runs the seed autoencoder (784-64-32-64-784) through the ML.NET estimator and in PyTorch; prints the ratios.")
{
    threads, epochs, data, output, python, noPeer, allocators, child, repeat, architectures, noLoad, onlyArchitectures,
};
root.SetAction(parse => AutoencoderBenchmark.Run(new BenchmarkSettings(
    parse.GetValue(threads)!, parse.GetValue(epochs), parse.GetValue(data), parse.GetValue(output), parse.GetValue(python)!, parse.GetValue(noPeer), parse.GetValue(allocators)!, parse.GetValue(child), Math.Max(1, parse.GetValue(repeat)))
{
    Architectures = parse.GetValue(architectures)!.Where(arch => arch != "none").Distinct().ToArray(),
    UnderLoad = !parse.GetValue(noLoad),
    OnlyArchitectures = parse.GetValue(onlyArchitectures),
}));
var scaleRows = new Option<long>("--rows") { Description = "Rows of the generated source to stream.", DefaultValueFactory = _ => 5_000_000 };
var scaleEpochs = new Option<int>("--epochs") { Description = "Epochs over the streamed source.", DefaultValueFactory = _ => 1 };
var scaleSubset = new Option<long>("--subset") { Description = "Rows of the subset trained in memory, and streamed, for the ratio.", DefaultValueFactory = _ => 200_000 };
var scaleThreads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => 1 };
var scaleData = new Option<string?>("--data") { Description = "Folder with Fashion-MNIST IDX files for the image pool; default: Debian's dataset-fashion-mnist, else the embedded 10k split." };
var scaleBuffer = new Option<int>("--shuffle-buffer") { Description = "Rows of the streaming shuffle buffer.", DefaultValueFactory = _ => Microsoft.ML.Autoencoder.AutoencoderEstimator.Defaults.ShuffleBufferRows };
var scaleRepeat = new Option<int>("--repeat") { Description = "Interleaved runs of the subset comparison; each reported by its median run.", DefaultValueFactory = _ => 3 };
var scale = new Command("scale", "Streams the seed's model over a generated source of millions of Fashion-MNIST-sized rows (issue 14); prints rows/s, s/epoch, peak RSS, the final loss and the in-memory rows/s on a subset.")
{
    scaleRows, scaleEpochs, scaleSubset, scaleThreads, scaleData, scaleBuffer, scaleRepeat,
};
scale.SetAction(parse => ScaleCommand.Run(parse.GetValue(scaleRows), parse.GetValue(scaleEpochs), parse.GetValue(scaleSubset), parse.GetValue(scaleThreads), parse.GetValue(scaleData), parse.GetValue(scaleBuffer), Math.Max(1, parse.GetValue(scaleRepeat))));
root.Add(scale);
var bfEpochs = new Option<int>("--epochs") { Description = "Training epochs per precision (the median is over epochs 2..N).", DefaultValueFactory = _ => 4 };
var bfThreads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => 1 };
var bfData = new Option<string?>("--data") { Description = "Folder with Fashion-MNIST IDX files; default: Debian's dataset-fashion-mnist, else the embedded 10k split." };
var bfloat16 = new Command("bfloat16", "The dense seed model's TorchSharp-alone loop in float32, with its products in bfloat16 (mixed, cast by hand: TorchSharp has no autocast) and all in bfloat16; s/epoch and held-out MSE, and libtorch's GEMM speed in both (issue 15).")
{
    bfEpochs, bfThreads, bfData,
};
bfloat16.SetAction(parse => BFloat16Command.Run(parse.GetValue(bfEpochs), parse.GetValue(bfThreads), parse.GetValue(bfData)));
root.Add(bfloat16);
var spThreads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => 1 };
var spRounds = new Option<int>("--rounds") { Description = "Rounds of every measurement (the median is reported).", DefaultValueFactory = _ => 5 };
var stepProfile = new Command("step-profile", "One training step of the dense seed model in the TorchSharp-alone loop, taken apart: matrix products, elementwise kernels, bias sums, gather, Adam, and what autograd adds (issue 15).")
{
    spThreads, spRounds,
};
stepProfile.SetAction(parse => StepProfile.Run(parse.GetValue(spThreads), Math.Max(1, parse.GetValue(spRounds))));
root.Add(stepProfile);
return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
