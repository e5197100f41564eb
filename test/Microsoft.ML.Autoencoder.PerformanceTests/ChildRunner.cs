using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// Runs each measured configuration in a process of its own, so that its peak RSS is its own and the allocator
/// settings (which glibc reads only at process start) apply to it, like the peer's subprocess.
/// </summary>
internal static class ChildRunner
{
    /// <summary>The variable and value of the 'tuned' allocator setting.</summary>
    public const string TunablesVariable = "GLIBC_TUNABLES";
    public const string TunedValue = "glibc.malloc.tcache_count=0";
    private const string ResultPrefix = "RESULT ";

    /// <summary>
    /// Set in a child's environment for the 'mallopt' setting: the library's opt-in
    /// <c>AutoencoderEstimator.Options.TuneNativeAllocator</c> (and the same mallopt calls in the TorchSharp-alone loop).
    /// </summary>
    public const string MalloptVariable = "AUTOENCODER_BENCHMARK_MALLOPT";

    /// <summary>Whether this (child) process measures with the library's opt-in allocator tuning.</summary>
    public static bool TuneNativeAllocator => System.Environment.GetEnvironmentVariable(MalloptVariable) == "1";

    /// <summary>The environment changes of an allocator setting: null removes the variable.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(string allocator)
        => new Dictionary<string, string?>
        {
            [TunablesVariable] = allocator == "tuned" ? TunedValue : null,
            [MalloptVariable] = allocator == "mallopt" ? "1" : null,
        };

    public static string Describe(string allocator)
        => allocator switch
        {
            "tuned" => $"`{TunablesVariable}={TunedValue}` on both sides",
            "mallopt" => "the library's opt-in `TuneNativeAllocator = true` (mallopt trim and mmap thresholds raised; the same mallopt calls in the TorchSharp-alone loop and, through ctypes, in the PyTorch peer)",
            _ => $"default glibc settings (no `{TunablesVariable}`), the library's defaults (process left as it is)",
        };

    /// <summary>Measures one side in a child process of this benchmark and returns what it printed.</summary>
    public static T Run<T>(BenchmarkSettings settings, string side, int threads, string allocator)
    {
        var arguments = new List<string>();
        string fileName = System.Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(fileName) == "dotnet")
            arguments.Add(typeof(ChildRunner).Assembly.Location);
        arguments.AddRange(new[] { "--child", side, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--epochs", settings.Epochs.ToString(CultureInfo.InvariantCulture) });
        if (settings.DataDirectory is string data)
            arguments.AddRange(new[] { "--data", data });
        var (exit, output) = Execute(fileName, arguments, Environment(allocator), showProgress: true, echoOutput: true);
        if (exit != 0)
            throw new InvalidOperationException($"The '{side}' measurement at {threads} thread(s) ({allocator} allocator) failed with exit code {exit}.");
        string? line = output.Split('\n').LastOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (line is null)
            throw new InvalidOperationException($"The '{side}' measurement printed no result:\n{output}");
        return JsonSerializer.Deserialize<T>(line[ResultPrefix.Length..])!;
    }

    /// <summary>In the child: prints the result for the parent to read.</summary>
    public static void Report<T>(T result) => Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));

    public static (int ExitCode, string Output) Execute(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, bool showProgress = false, bool echoOutput = false)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = !showProgress,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        try
        {
            using var process = Process.Start(start)!;
            var error = showProgress ? null : process.StandardError.ReadToEndAsync();
            var output = new System.Text.StringBuilder();
            while (process.StandardOutput.ReadLine() is string line)
            {
                output.AppendLine(line);
                if (echoOutput && !line.StartsWith(ResultPrefix, StringComparison.Ordinal))
                    Console.WriteLine("  | " + line);
            }
            process.WaitForExit();
            return (process.ExitCode, process.ExitCode == 0 || error is null ? output.ToString() : output + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
