using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Microsoft.ML.Autoencoder.Tests.Native;

/// <summary>
/// Runs code of the test assembly in a fresh process: <c>dotnet exec Microsoft.ML.Autoencoder.Tests.dll</c> (the Test
/// SDK makes the test assembly an exe with an empty Main) with <c>DOTNET_STARTUP_HOOKS</c> naming the assembly, so that
/// <see cref="StartupHook"/> runs first and, seeing the marker variable, does the child's work and exits. The child uses
/// the test's own deps.json / runtimeconfig.json, hence the same (patched) native libraries and package versions.
/// </summary>
internal static class TestAssemblyProcess
{
    /// <summary>Starts the child with <paramref name="variable"/> set to <paramref name="value"/> and waits (at most two minutes).</summary>
    /// <returns>The exit code and everything the child wrote to stdout and stderr.</returns>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string variable, string value)
    {
        string assembly = typeof(TestAssemblyProcess).Assembly.Location;
        var startInfo = new ProcessStartInfo(FindDotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        startInfo.ArgumentList.Add("exec");
        startInfo.ArgumentList.Add(assembly);
        startInfo.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        startInfo.Environment[variable] = value;

        using Process process = Process.Start(startInfo)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindDotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (dotnet test -> testhost).
        string? hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        string? processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        return "dotnet";
    }
}
