using System;
using System.Threading;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>
    /// Shares the process's one no-GC region (<see cref="NoGarbageCollectionScope"/>, the guard against TorchSharp
    /// 0.107 freeing a <c>Scalar</c> during the native call it was passed to) among the trainings running at once.
    /// The runtime allows one region per process: trainings entering their own would leave all but the first
    /// unguarded, and one leaving the region or collecting at a checkpoint would expose the others' batches in flight.
    /// Instead the region is entered when the first training starts an epoch's batches and left when the last one
    /// finishes its; each batch holds a shared lock, and the collection every <see cref="BatchesPerCollection"/>
    /// batches (counted over all trainings) takes it exclusively, so it runs when no batch of any training is in flight.
    /// </summary>
    internal static class SharedBatchRegion
    {
        /// <summary>
        /// Mini-batches, over all trainings in the process, between two garbage collections. Measured on the benchmark
        /// model: glibc's heap stays near 80 MB (0.4-1.1 GB without the collections) and epochs get faster.
        /// </summary>
        private const int BatchesPerCollection = 8;

        private static readonly ReaderWriterLockSlim s_batches = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        private static NoGarbageCollectionScope? s_region;
        private static int s_members;
        private static long s_batchCount;

        /// <summary>A training's epoch starts its batches: enters the region if no other training holds it.</summary>
        public static Member Join()
        {
            s_batches.EnterWriteLock();
            try
            {
                if (s_members++ == 0)
                    s_region = NoGarbageCollectionScope.Enter();
            }
            finally
            {
                s_batches.ExitWriteLock();
            }
            return new Member();
        }

        /// <summary>One batch: until disposed, no collection is started by a checkpoint.</summary>
        public static Batch EnterBatch()
        {
            s_batches.EnterReadLock();
            return new Batch();
        }

        private static void Leave()
        {
            s_batches.EnterWriteLock();
            try
            {
                if (--s_members == 0)
                {
                    s_region!.Dispose();
                    s_region = null;
                }
            }
            finally
            {
                s_batches.ExitWriteLock();
            }
        }

        private static void ExitBatch()
        {
            s_batches.ExitReadLock();
            if (Interlocked.Increment(ref s_batchCount) % BatchesPerCollection != 0)
                return;
            s_batches.EnterWriteLock(); // waits for the batches in flight; holds off new ones
            try
            {
                s_region?.Checkpoint();
            }
            finally
            {
                s_batches.ExitWriteLock();
            }
        }

        /// <summary>A training's membership in the region, ended by <see cref="Dispose"/>.</summary>
        public sealed class Member : IDisposable
        {
            private bool _left;

            public void Dispose()
            {
                if (!_left)
                {
                    _left = true;
                    Leave();
                }
            }
        }

        /// <summary>A batch in flight, ended by <see cref="Dispose"/> (after the batch's tensors are freed).</summary>
        public sealed class Batch : IDisposable
        {
            private bool _ended;

            public void Dispose()
            {
                if (!_ended)
                {
                    _ended = true;
                    ExitBatch();
                }
            }
        }
    }
}
