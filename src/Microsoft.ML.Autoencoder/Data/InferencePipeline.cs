using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// Batches of a cursor's input rows, each run through the network on a worker thread while the cursor's
    /// thread reads the next batch and serves the previous one's outputs: reading and serving rows (copies, the
    /// source's own work) overlap with the forward passes instead of adding to them. Three buffers turn: the
    /// batch being served, the batch being computed, the batch just read.
    /// </summary>
    /// <remarks>
    /// The source cursor is only ever used on the cursor's thread (the read function is called there); the
    /// worker only runs <see cref="OutputBuffers.Compute"/>, which holds the transformer's network lock. Reading
    /// runs up to two batches ahead of the row being served.
    /// </remarks>
    internal sealed class InferencePipeline : IDisposable
    {
        private readonly Func<OutputBuffers> _createBuffers;
        private readonly Func<OutputBuffers, int> _read;
        private readonly Stack<OutputBuffers> _free = new();
        private OutputBuffers? _current;
        private (OutputBuffers Buffers, int Rows, Task Computation)? _computing;
        private (OutputBuffers Buffers, int Rows)? _ready;
        private bool _started;

        /// <param name="createBuffers">Creates a set of batch buffers (called at most three times).</param>
        /// <param name="read">Reads the next batch's input rows into the buffers; returns how many (0 at the end).</param>
        public InferencePipeline(Func<OutputBuffers> createBuffers, Func<OutputBuffers, int> read)
        {
            _createBuffers = createBuffers;
            _read = read;
        }

        /// <summary>
        /// Moves to the next batch: returns its buffers with the outputs computed and its row count, or
        /// <see langword="null"/> after the last batch. The previous batch's buffers are reused from here on.
        /// </summary>
        public (OutputBuffers Buffers, int Rows)? Next()
        {
            if (!_started)
            {
                _started = true;
                ReadOne();
                StartReady();
            }
            if (_computing is not { } computing)
                return null;
            _computing = null;
            try
            {
                computing.Computation.GetAwaiter().GetResult();
            }
            finally
            {
                if (_current is not null)
                    _free.Push(_current);
                _current = computing.Buffers;
            }
            StartReady();
            return (computing.Buffers, computing.Rows);
        }

        /// <summary>Starts computing the batch read last, then reads the one after it meanwhile.</summary>
        private void StartReady()
        {
            if (_ready is not { } ready)
                return;
            _ready = null;
            _computing = (ready.Buffers, ready.Rows, Task.Run(() => ready.Buffers.Compute(ready.Rows)));
            ReadOne();
        }

        private void ReadOne()
        {
            var buffers = _free.Count > 0 ? _free.Pop() : _createBuffers();
            int rows = _read(buffers);
            if (rows > 0)
                _ready = (buffers, rows);
            else
                _free.Push(buffers);
        }

        /// <summary>Waits for a computation still running (its error, if any, no longer matters).</summary>
        public void Dispose()
        {
            if (_computing is { } computing)
            {
                _computing = null;
                try
                {
                    computing.Computation.Wait();
                }
                catch (AggregateException)
                {
                    // The caller stopped reading before this batch; its failure is not theirs to see.
                }
            }
        }
    }
}
