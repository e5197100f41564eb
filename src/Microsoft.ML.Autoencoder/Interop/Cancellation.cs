using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoder.Interop
{
    /// <summary>
    /// Honors ML.NET's cancellation (<c>MLContext.CancelExecution()</c>, public through the
    /// <c>Microsoft.ML.Experimental</c> package), whose flag is internal.
    /// </summary>
    internal static class Cancellation
    {
        /// <summary>Throws <see cref="System.OperationCanceledException"/> when the environment was cancelled.</summary>
        public static void ThrowIfCancelled(IHostEnvironment environment) => environment.CheckAlive();
    }
}
