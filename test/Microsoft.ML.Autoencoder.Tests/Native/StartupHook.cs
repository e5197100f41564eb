using System;
using System.Globalization;
using Microsoft.ML.Autoencoder.Tests.Native;
using TorchSharp;

/// <summary>
/// .NET startup hook (the runtime requires the name <c>StartupHook</c> in the global namespace) that turns the test
/// assembly into the entry of a fresh child process for <see cref="NativeLibraryTests"/>: the child is
/// <c>dotnet exec Microsoft.ML.Autoencoder.Tests.dll</c> with <c>DOTNET_STARTUP_HOOKS</c> naming this assembly, so it
/// runs with the test's own deps.json / runtimeconfig.json (hence the patched native libraries in the output folder),
/// loads torch, prints the result and exits before the Test SDK's empty generated <c>Main</c> would run.
/// It does nothing unless <see cref="NativeLibraryTests.ChildProcessVariable"/> is set.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(NativeLibraryTests.ChildProcessVariable) != "1")
        {
            return;
        }

        float sum = torch.ones(2, 2).sum().item<float>();
        Console.Out.WriteLine(NativeLibraryTests.ChildResultPrefix + sum.ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        Environment.Exit(0);
    }
}
