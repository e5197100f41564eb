using System;
using System.Globalization;
using Microsoft.ML.Autoencoder.Tests.Native;
using Microsoft.ML.Autoencoder.Tests.Persistence;
using TorchSharp;

/// <summary>
/// .NET startup hook (the runtime requires the name <c>StartupHook</c> in the global namespace) that turns the test
/// assembly into the entry of a fresh child process (see <see cref="TestAssemblyProcess"/>): it does the child's work
/// and exits before the Test SDK's empty generated <c>Main</c> would run. It does nothing unless a marker variable is
/// set: <see cref="NativeLibraryTests.ChildProcessVariable"/> (load torch, print a sum) or
/// <see cref="PersistenceChildProcess.ModelPathVariable"/> (load a saved model, print its outputs).
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(NativeLibraryTests.ChildProcessVariable) == "1")
        {
            float sum = torch.ones(2, 2).sum().item<float>();
            Console.Out.WriteLine(NativeLibraryTests.ChildResultPrefix + sum.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();
            Environment.Exit(0);
        }

        string? modelPath = Environment.GetEnvironmentVariable(PersistenceChildProcess.ModelPathVariable);
        if (!string.IsNullOrEmpty(modelPath))
        {
            PersistenceChildProcess.Run(modelPath);
            Console.Out.Flush();
            Environment.Exit(0);
        }
    }
}
