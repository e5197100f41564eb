using System;
using System.Runtime;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// Keeps the garbage collector from running during an epoch's mini-batches, as a guard against a TorchSharp
    /// 0.107 defect: its tensor methods that take a <c>Scalar</c> (for example <c>mul_(Scalar)</c> and
    /// <c>div(Scalar)</c>, which its Adam step calls with temporaries converted from doubles) pass the scalar's
    /// native handle without keeping the managed object alive, so a collection during the native call can run the
    /// scalar's finalizer and free it mid-call ("Unknown scalar type" errors, or silently wrong values). Without a
    /// collection, no finalizer runs until the region ends. An epoch allocates a few managed megabytes; if other
    /// threads allocate past the budget, the runtime collects anyway and the guard simply ends early.
    /// </summary>
    internal readonly struct NoGarbageCollectionScope : IDisposable
    {
        private const long BudgetBytes = 64L << 20;

        private readonly bool _entered;

        private NoGarbageCollectionScope(bool entered) => _entered = entered;

        public static NoGarbageCollectionScope Enter()
        {
            try
            {
                return new NoGarbageCollectionScope(GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(BudgetBytes));
            }
            catch (InvalidOperationException)
            {
                return new NoGarbageCollectionScope(false); // another thread started a region first
            }
            catch (ArgumentOutOfRangeException)
            {
                return new NoGarbageCollectionScope(false); // the budget exceeds what this GC configuration allows
            }
        }

        public void Dispose()
        {
            if (!_entered || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
                return;
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // The runtime already left the region (a collection was needed); nothing to end.
            }
        }
    }
}
