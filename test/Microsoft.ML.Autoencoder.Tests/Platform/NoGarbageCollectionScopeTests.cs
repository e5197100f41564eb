using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoder.Tests.Data;
using Microsoft.ML.Autoencoder.Platform;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Platform
{
    /// <summary>
    /// The training loop's garbage-collection policy: no collection inside a batch, and a collection that runs
    /// the pending finalizers (which free TorchSharp's temporary native scalars) between batches. Runs alone: the
    /// no-GC region is process-wide.
    /// </summary>
    [Collection(NativeMemoryCollection.Name)]
    public class NoGarbageCollectionScopeTests
    {
        private static int s_finalized;

        [Fact]
        public void Checkpoint_RunsPendingFinalizersAndReentersTheRegion()
        {
            using var scope = NoGarbageCollectionScope.Enter();
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            int gen1Collections = GC.CollectionCount(1);
            int before = s_finalized;
            DropFinalizable();

            scope.Checkpoint();

            // The object is collected by the generation-0 collection unless some other collection promoted it
            // first (possible only if the runtime had to collect on its own in between).
            Assert.True(s_finalized > before || GC.CollectionCount(1) > gen1Collections, "The dropped object's finalizer did not run.");
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }

        [Fact]
        public void Dispose_LeavesTheRegion()
        {
            var scope = NoGarbageCollectionScope.Enter();
            scope.Checkpoint();
            scope.Dispose();
            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            scope.Dispose(); // twice is harmless
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void DropFinalizable() => _ = new Finalizable();

        private sealed class Finalizable
        {
            ~Finalizable() => System.Threading.Interlocked.Increment(ref s_finalized);
        }
    }
}
