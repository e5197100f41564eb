using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Autoencoder.Platform;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Platform
{
    /// <summary>
    /// The run-time native fix (<see cref="TorchSharpNativeLoader"/>) and its ELF reader. Its end-to-end proof is outside
    /// this process: build/test-package.sh runs the package's consumer with the build-time fix turned off, and the
    /// notebooks install the package with <c>#r "nuget: ..."</c> (samples/notebooks/run-notebook.sh).
    /// </summary>
    public class TorchSharpNativeLoaderTests
    {
        [Fact]
        public void TheOriginalFromTheNuGetCache_NeedsTheVersionStrongly_AndOneByteMakesItWeak()
        {
            if (!OperatingSystem.IsLinux())
                return; // the library ships only Linux natives of this kind

            byte[] original = File.ReadAllBytes(NuGetCacheOriginal());

            Assert.True(ElfVersionNeeds.TryFindFlags(original, TorchSharpNativeLoader.VersionName, out long offset, out ushort flags));
            Assert.Equal(0, flags & ElfVersionNeeds.WeakFlag);
            Assert.False(ElfVersionNeeds.TryFindFlags(original, "GLIBCXX_0.0.0", out _, out _));

            var patched = (byte[])original.Clone();
            patched[offset] |= (byte)ElfVersionNeeds.WeakFlag;
            Assert.True(ElfVersionNeeds.TryFindFlags(patched, TorchSharpNativeLoader.VersionName, out long patchedOffset, out ushort patchedFlags));
            Assert.Equal(offset, patchedOffset);
            Assert.Equal(flags | ElfVersionNeeds.WeakFlag, patchedFlags);
            Assert.Equal(1, original.Zip(patched).Count(pair => pair.First != pair.Second));
        }

        [Fact]
        public void TheBuildOutputsCopy_IsAlreadyPatched_SoTheLoaderLeavesItAlone()
        {
            if (!OperatingSystem.IsLinux())
                return;

            // The test project imports the build-time fix (Directory.Build.targets), so the loader, which ran when this
            // assembly first touched the library, found the output folder's copy patched (or a libstdc++ with the version).
            _ = typeof(AutoencoderEstimator);
            byte[] output = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, TorchSharpNativeLoader.LibraryFileName));
            bool systemHasIt = TorchSharpNativeLoader.FindLibStdCxx() is string libStdCxx
                && ElfVersionNeeds.Defines(File.ReadAllBytes(libStdCxx), TorchSharpNativeLoader.VersionName);
            Assert.True(ElfVersionNeeds.TryFindFlags(output, TorchSharpNativeLoader.VersionName, out _, out ushort flags));
            if (!systemHasIt)
            {
                Assert.NotEqual(0, flags & ElfVersionNeeds.WeakFlag);
            }

            Assert.Contains(systemHasIt ? "nothing to do" : "already patched", TorchSharpNativeLoader.Outcome);
            Assert.Null(TorchSharpNativeLoader.LoadedPatchedCopy);
        }

        [Fact]
        public void TheSystemsLibStdCxx_DefinesItsOwnVersions_AndNotMadeUpOnes()
        {
            if (!OperatingSystem.IsLinux())
                return;

            string? libStdCxx = TorchSharpNativeLoader.FindLibStdCxx();
            Assert.NotNull(libStdCxx);
            byte[] bytes = File.ReadAllBytes(libStdCxx);
            Assert.True(ElfVersionNeeds.Defines(bytes, "GLIBCXX_3.4"));
            Assert.False(ElfVersionNeeds.Defines(bytes, "GLIBCXX_99.0"));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(63)]
        [InlineData(4096)]
        public void ATruncatedOrForeignFile_IsRefusedWithInvalidData(int length)
        {
            if (!OperatingSystem.IsLinux())
                return;

            byte[] original = File.ReadAllBytes(NuGetCacheOriginal());
            Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.TryFindFlags(original.AsSpan(0, length).ToArray(), TorchSharpNativeLoader.VersionName, out _, out _));
            var foreign = (byte[])original.Clone();
            foreign[4] = 1; // a 32-bit ELF
            Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.TryFindFlags(foreign, TorchSharpNativeLoader.VersionName, out _, out _));
        }

        /// <summary>TorchSharp's package's own copy (never written by any build: the fix writes copies only).</summary>
        private static string NuGetCacheOriginal()
        {
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string version = typeof(global::TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
            string path = Path.Combine(packages, "torchsharp", version, "runtimes", "linux-" + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), "native", TorchSharpNativeLoader.LibraryFileName);
            Assert.True(File.Exists(path), $"TorchSharp's native library is not in the NuGet cache at {path} (restore puts it there).");
            return path;
        }
    }
}
