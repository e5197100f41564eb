using System.Runtime.CompilerServices;

namespace Microsoft.ML.Autoencoder.Tests
{
    /// <summary>
    /// xunit runs test classes in parallel, each training its own small network. libtorch's default of one
    /// OpenMP thread per core would then put several spinning thread pools on the same cores, which makes
    /// trainings tens of times slower on a 2-core machine. The parallelism here comes from xunit, so each
    /// libtorch call gets one thread. (Tests that set NumberOfThreads change this for the process; none needs
    /// more than one.)
    /// </summary>
    internal static class TestProcessSetup
    {
        [ModuleInitializer]
        internal static void UseOneLibTorchThread() => global::TorchSharp.torch.set_num_threads(1);
    }
}
