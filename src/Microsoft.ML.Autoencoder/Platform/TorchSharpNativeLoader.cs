using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>
    /// Makes TorchSharp 0.107's native library load on Linux systems whose libstdc++ is older than the one it was built
    /// against, also where the package's build-time fix (<c>buildTransitive/AutoencoderML.targets</c>, the repository's
    /// <c>build/Microsoft.ML.Autoencoder.targets</c>) never ran: notebooks and scripts that take the package with
    /// <c>#r "nuget: ..."</c> load the natives straight from the NuGet cache, which no build step may write.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <c>libLibTorchSharp.so</c> declares that it needs <c>GLIBCXX_3.4.32</c> (GCC 13's libstdc++), for one symbol it
    /// never calls; Debian 12's libstdc++ stops at 3.4.30, so <c>dlopen</c> refuses the file and TorchSharp reports that
    /// libtorch is missing. The build-time fix marks that one version need weak in the build's copy. This class does the
    /// same at run time, before anything in this library can call TorchSharp: when the copy TorchSharp would load still
    /// has the strong need and the process's libstdc++ lacks the version, it writes a patched copy to a per-user cache
    /// (<c>$XDG_CACHE_HOME/AutoencoderML/native/&lt;hash of the original&gt;/</c>, default <c>~/.cache</c>; never the
    /// NuGet cache), loads libtorch from its own folder (the build output, or the <c>libtorch-cpu-&lt;rid&gt;</c> package
    /// TorchSharp names), then loads the patched copy. Linux resolves a library already loaded by its name
    /// (<c>SONAME</c>), so TorchSharp's own load of <c>LibTorchSharp</c> and every P/Invoke get the patched copy.
    /// </para>
    /// <para>
    /// It does nothing on other systems, where the copy is already patched or needs nothing, or where libstdc++ has the
    /// version; <c>AUTOENCODERML_NATIVE_FIX=0</c> turns it off. <c>AUTOENCODERML_NATIVE_TRACE=1</c> prints what it did to
    /// standard error. It never throws: when it cannot help, TorchSharp's own error (with its trace) is what the user sees.
    /// </para>
    /// </remarks>
    internal static class TorchSharpNativeLoader
    {
        internal const string LibraryFileName = "libLibTorchSharp.so";
        internal const string VersionName = "GLIBCXX_3.4.32";
        internal const string DisableVariable = "AUTOENCODERML_NATIVE_FIX";
        internal const string TraceVariable = "AUTOENCODERML_NATIVE_TRACE";

        /// <summary>What the loader found or did in this process (for diagnostics and tests).</summary>
        internal static string Outcome { get; private set; } = "not run";

        /// <summary>The patched copy this process loaded, or null.</summary>
        internal static string? LoadedPatchedCopy { get; private set; }

        [ModuleInitializer]
        [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
            Justification = "The native library must be loadable before any of this library's code reaches TorchSharp; the initializer only reads files unless a fix is needed, and never throws.")]
        internal static void Initialize()
        {
            if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(DisableVariable) == "0")
            {
                Outcome = "off (not Linux, or " + DisableVariable + "=0)";
                return;
            }

            try
            {
                Outcome = Apply();
            }
            catch (Exception ex)
            {
                // TorchSharp's own load (and its error message, if it fails too) decides from here.
                Outcome = "failed: " + ex.GetType().Name + ": " + ex.Message;
            }

            if (Environment.GetEnvironmentVariable(TraceVariable) == "1")
            {
                Console.Error.WriteLine("AutoencoderML native fix: " + Outcome);
            }
        }

        [SupportedOSPlatform("linux")]
        private static string Apply()
        {
            string rid = "linux-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
            string torchSharpDirectory = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? "";
            string? original = new[]
            {
                Path.Combine(AppContext.BaseDirectory, LibraryFileName),
                Path.Combine(torchSharpDirectory, LibraryFileName),
                Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", LibraryFileName),
                Path.Combine(torchSharpDirectory, "..", "..", "runtimes", rid, "native", LibraryFileName), // NuGet cache layout
            }.FirstOrDefault(File.Exists);
            if (original is null)
            {
                return "no " + LibraryFileName + " found beside the application or TorchSharp.dll; left to TorchSharp";
            }

            original = Path.GetFullPath(original);
            byte[] bytes = File.ReadAllBytes(original);
            if (!ElfVersionNeeds.TryFindFlags(bytes, VersionName, out long flagsOffset, out ushort flags))
            {
                return original + " does not need " + VersionName;
            }

            if ((flags & ElfVersionNeeds.WeakFlag) != 0)
            {
                return original + " is already patched (the build-time fix ran)";
            }

            string? libStdCxx = FindLibStdCxx();
            if (libStdCxx is not null && ElfVersionNeeds.Defines(File.ReadAllBytes(libStdCxx), VersionName))
            {
                return libStdCxx + " provides " + VersionName + "; nothing to do";
            }

            string patched = WritePatchedCopy(original, bytes, flagsOffset, flags);
            string dependencies = LoadLibTorch(original, torchSharpDirectory, rid);
            NativeLibrary.Load(patched);
            LoadedPatchedCopy = patched;
            return $"loaded {patched} (a copy of {original} with its {VersionName} need marked weak; {libStdCxx ?? "libstdc++"} lacks it); {dependencies}";
        }

        /// <summary>Writes the patched copy once per original file (named by its hash), atomically.</summary>
        [SupportedOSPlatform("linux")]
        private static string WritePatchedCopy(string original, byte[] bytes, long flagsOffset, ushort flags)
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(bytes)).Substring(0, 16);
            string cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            string directory = Path.Combine(cacheHome, "AutoencoderML", "native", hash);
            string target = Path.Combine(directory, LibraryFileName);
            if (File.Exists(target)
                && File.ReadAllBytes(target) is var existing
                && existing.Length == bytes.Length
                && ElfVersionNeeds.TryFindFlags(existing, VersionName, out _, out ushort existingFlags)
                && (existingFlags & ElfVersionNeeds.WeakFlag) != 0)
            {
                return target;
            }

            Directory.CreateDirectory(directory);
            var copy = (byte[])bytes.Clone();
            ushort weak = (ushort)(flags | ElfVersionNeeds.WeakFlag);
            copy[flagsOffset] = (byte)(weak & 0xff);
            copy[flagsOffset + 1] = (byte)(weak >> 8);
            string temporary = Path.Combine(directory, "." + LibraryFileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllBytes(temporary, copy);
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(original) | UnixFileMode.UserRead | UnixFileMode.UserWrite);
                File.Move(temporary, target, overwrite: true); // rename: another process sees the old file or the new one
            }
            finally
            {
                File.Delete(temporary);
            }

            return target;
        }

        /// <summary>
        /// Loads <c>libtorch.so</c> (and with it libtorch_cpu and libc10) from the folder beside the original, or from
        /// the libtorch package TorchSharp was built for, so that the patched copy's dependencies resolve by name.
        /// </summary>
        private static string LoadLibTorch(string original, string torchSharpDirectory, string rid)
        {
            if (LoadedLibraryPath("libtorch.so") is string loaded)
            {
                return "libtorch already loaded from " + loaded;
            }

            string beside = Path.Combine(Path.GetDirectoryName(original)!, "libtorch.so");
            if (File.Exists(beside))
            {
                NativeLibrary.Load(beside);
                return "libtorch loaded from " + beside;
            }

            // The NuGet cache: .../packages/torchsharp/<version>/lib/<tfm>/TorchSharp.dll and
            // .../packages/libtorch-cpu-<rid>/<libtorch version>/runtimes/<rid>/native/libtorch.so.
            string packages = Path.GetFullPath(Path.Combine(torchSharpDirectory, "..", "..", "..", ".."));
            string packageFolder = Path.Combine(packages, "libtorch-cpu-" + rid);
            string? version = LibTorchPackageVersion();
            string[] versions = Directory.Exists(packageFolder) ? Directory.GetDirectories(packageFolder).Select(Path.GetFileName).OfType<string>().ToArray() : [];
            string? chosen = version is not null && versions.Contains(version) ? version : versions.Length == 1 ? versions[0] : null;
            if (chosen is null)
            {
                return $"libtorch not found beside it nor in {packageFolder} (version {version ?? "unknown"}); left to TorchSharp";
            }

            string path = Path.Combine(packageFolder, chosen, "runtimes", rid, "native", "libtorch.so");
            NativeLibrary.Load(path);
            return "libtorch loaded from " + path;
        }

        /// <summary>The libtorch package version TorchSharp names (its private constant, read from metadata only), e.g. 2.10.0.</summary>
        private static string? LibTorchPackageVersion()
        {
            var field = typeof(TorchSharp.torch).GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static);
            if (field is not { IsLiteral: true } || field.GetRawConstantValue() is not string raw)
            {
                return null;
            }

            // NuGet folders drop a zero fourth part: 2.10.0.0 -> 2.10.0.
            return raw.Count(c => c == '.') == 3 && raw.EndsWith(".0", StringComparison.Ordinal) ? raw[..^2] : raw;
        }

        /// <summary>
        /// The libstdc++ the dynamic loader will use: the one this process has already mapped, else the first of the
        /// usual locations (the loader's search order for a library without a path on Debian, Ubuntu, Fedora, Arch).
        /// </summary>
        internal static string? FindLibStdCxx()
        {
            const string name = "libstdc++.so.6";
            string arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64";
            return LoadedLibraryPath(name) ?? new[]
            {
                $"/usr/lib/{arch}-linux-gnu/{name}",
                $"/lib/{arch}-linux-gnu/{name}",
                $"/usr/lib64/{name}",
                $"/usr/lib/{name}",
            }.FirstOrDefault(File.Exists);
        }

        /// <summary>The path of a shared library this process has mapped, by file name (from /proc/self/maps), or null.</summary>
        internal static string? LoadedLibraryPath(string fileName)
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.EndsWith("/" + fileName, StringComparison.Ordinal))
                {
                    return line[slash..];
                }
            }

            return null;
        }
    }
}
