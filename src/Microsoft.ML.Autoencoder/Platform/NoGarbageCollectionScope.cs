using System;
using System.Runtime;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>
    /// Decides when the garbage collector runs during an epoch's mini-batches: never in the middle of one, and
    /// regularly between them.
    /// <para>
    /// Never in the middle: a guard against a TorchSharp 0.107 defect. Its tensor methods that take a
    /// <c>Scalar</c> (for example <c>mul_(Scalar)</c> and <c>div(Scalar)</c>, which its Adam step calls with
    /// temporaries converted from doubles) pass the scalar's native handle without keeping the managed object
    /// alive, so a collection during the native call can run the scalar's finalizer and free it mid-call
    /// ("Unknown scalar type" errors, or silently wrong values). Inside a no-GC region no finalizer runs.
    /// </para>
    /// <para>
    /// Regularly between: those temporaries (a few dozen small native allocations per step) are freed only by
    /// their finalizers. Left for thousands of batches, they sit between libtorch's large freed blocks, which
    /// then cannot merge, and glibc's heap grows: measured on the benchmark model, from 85 MB to 0.4-1.1 GB (the
    /// amount varies from run to run), with fresh pages to fault in every batch. <see cref="Checkpoint"/>,
    /// called after every few batches when no native call is in flight, collects the youngest generation and
    /// runs the pending finalizers, then re-enters the region: the heap stays near its in-use size and the
    /// epoch gets faster, not slower.
    /// </para>
    /// If other threads allocate past the region's budget, the runtime collects anyway and the guard simply ends
    /// early (until the next checkpoint).
    /// </summary>
    internal sealed class NoGarbageCollectionScope : IDisposable
    {
        private const long BudgetBytes = 64L << 20;

        private bool _entered;

        private NoGarbageCollectionScope() => _entered = TryEnter(allowFullBlockingCollection: true);

        public static NoGarbageCollectionScope Enter() => new NoGarbageCollectionScope();

        /// <summary>Between two batches: collects generation 0, runs the finalizers it found, re-enters the region.</summary>
        public void Checkpoint()
        {
            Exit();
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            _entered = TryEnter(allowFullBlockingCollection: false);
        }

        public void Dispose() => Exit();

        private static bool TryEnter(bool allowFullBlockingCollection)
        {
            try
            {
                return GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(BudgetBytes, disallowFullBlockingGC: !allowFullBlockingCollection);
            }
            catch (InvalidOperationException)
            {
                return false; // another thread started a region first
            }
            catch (ArgumentOutOfRangeException)
            {
                return false; // the budget exceeds what this GC configuration allows
            }
        }

        private void Exit()
        {
            if (!_entered)
                return;
            _entered = false;
            if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
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
