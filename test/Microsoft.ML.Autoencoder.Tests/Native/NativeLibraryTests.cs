using System;
using System.IO;
using System.Threading.Tasks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Tests.Native;

/// <summary>
/// Checks that TorchSharp's native library loads, i.e. that the AutoencoderNativeFix build step
/// (build/Microsoft.ML.Autoencoder.targets) made libLibTorchSharp.so loadable on a libstdc++ without GLIBCXX_3.4.32.
/// </summary>
public sealed class NativeLibraryTests
{
    /// <summary>Set to "1" in the child process started by <see cref="TorchOnes_SumInFreshProcess_ReturnsFour"/>.</summary>
    internal const string ChildProcessVariable = "AUTOENCODER_NATIVE_TESTS_CHILD";

    /// <summary>Prefix of the line the child process prints.</summary>
    internal const string ChildResultPrefix = "torch-sum=";

    private const string LibraryName = "libLibTorchSharp.so";
    private const string VersionName = "GLIBCXX_3.4.32";

    [Fact]
    public void TorchOnes_SumInProcess_ReturnsFour()
    {
        using Tensor ones = torch.ones(2, 2);
        using Tensor sum = ones.sum();

        Assert.Equal(4f, sum.item<float>());
    }

    /// <summary>
    /// A fresh process guards against torch being already loaded (or failing differently) in the test host:
    /// <see cref="TestAssemblyProcess"/> runs the test assembly itself, where <see cref="StartupHook"/> loads torch,
    /// prints the sum and exits.
    /// </summary>
    [Fact]
    public async Task TorchOnes_SumInFreshProcess_ReturnsFour()
    {
        var (exitCode, output, error) = await TestAssemblyProcess.RunAsync(ChildProcessVariable, "1");

        Assert.True(exitCode == 0, $"Child exited with {exitCode}.\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Contains(ChildResultPrefix + "4", output, StringComparison.Ordinal);
    }

    [Fact]
    public void LibTorchSharp_OutputCopyOnOldLibStdCxx_HasWeakGlibcxxNeed()
    {
        if (!OperatingSystem.IsLinux() || SystemLibStdCxxDefines(VersionName))
        {
            return; // The build step is skipped there; nothing to check.
        }

        byte[] library = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, LibraryName));

        if (ElfVersionNeeds.TryGetVersionNeedFlags(library, VersionName, out ushort flags))
        {
            Assert.Equal(ElfVersionNeeds.VerFlgWeak, (ushort)(flags & ElfVersionNeeds.VerFlgWeak));
        }
    }

    [Fact]
    public void LibTorchSharp_NuGetCacheCopy_IsNotPatched()
    {
        Version version = typeof(torch).Assembly.GetName().Version!;
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(
            packages, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native", LibraryName);
        if (!File.Exists(cached))
        {
            return; // Not restored into the default cache on this machine.
        }

        byte[] library = File.ReadAllBytes(cached);

        if (ElfVersionNeeds.TryGetVersionNeedFlags(library, VersionName, out ushort flags))
        {
            Assert.Equal(0, flags & ElfVersionNeeds.VerFlgWeak);
        }
    }

    private static bool SystemLibStdCxxDefines(string versionName)
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        ];
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return ElfVersionNeeds.DefinesVersion(File.ReadAllBytes(candidate), versionName);
            }
        }

        return false;
    }
}
