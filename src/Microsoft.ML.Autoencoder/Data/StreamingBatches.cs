using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using Microsoft.ML.Autoencoder.Platform;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The mini-batches of one streamed epoch, assembled from a <see cref="RowStream"/> as its rows arrive: batches of the
    /// batch size, except that a last batch of fewer than <c>minimumRows</c> rows joins the one before (the same rule, and
    /// so the same batches, as the in-memory path), which takes a look-ahead of <c>minimumRows</c> rows.
    /// </summary>
    /// <remarks>
    /// With <c>overlap</c>, a reader thread fills the next batches while the caller computes on the current one. The thread
    /// only reads the source and copies floats into managed buffers: it never calls libtorch, so it starts no OpenMP team
    /// of its own. Its errors (a bad row, a failing source) are rethrown by <see cref="TryTake"/>. The buffers are pinned
    /// and 64-byte aligned (<see cref="AlignedBufferPool"/>), so that libtorch reads a batch in place
    /// (<see cref="TensorConversion.View"/>) with the results of a tensor of its own.
    /// </remarks>
    internal sealed class StreamingBatches : IDisposable
    {
        /// <summary>Buffers in rotation with the reader thread: one computed on, one ready, one being filled.</summary>
        private const int BufferCount = 3;

        private readonly RowStream _rows;
        private readonly int _batchSize;
        private readonly int _minimumRows;
        private readonly int _columnCount;
        private readonly float[] _lookAhead;
        private int _carried;
        private bool _ended;

        private readonly Buffer[] _buffers;
        private readonly Thread? _reader;
        private readonly BlockingCollection<Buffer>? _free;
        private readonly BlockingCollection<(Buffer Buffer, int Rows)>? _ready;
        private readonly CancellationTokenSource? _stop;
        private ExceptionDispatchInfo? _readerError;
        private Buffer? _current;

        public StreamingBatches(RowStream rows, int batchSize, int minimumRows, int columnCount, bool overlap)
        {
            _rows = rows;
            _batchSize = batchSize;
            _minimumRows = minimumRows;
            _columnCount = columnCount;
            _lookAhead = new float[(long)minimumRows * columnCount];
            _buffers = new Buffer[overlap ? BufferCount : 1];
            for (int i = 0; i < _buffers.Length; i++)
                _buffers[i] = new Buffer(AlignedBufferPool.Rent(BufferLength, out int offset), offset);
            if (!overlap)
                return;
            _free = new BlockingCollection<Buffer>();
            foreach (var buffer in _buffers)
                _free.Add(buffer);
            _ready = new BlockingCollection<(Buffer, int)>();
            _stop = new CancellationTokenSource();
            _reader = new Thread(ReadAhead) { IsBackground = true, Name = "Autoencoder batch reader" };
            _reader.Start();
        }

        /// <summary>The largest batch, in rows: the batch size plus a last batch's rows that joined it.</summary>
        public int Capacity => _batchSize + _minimumRows - 1;

        /// <summary>Whether the last batch of the epoch was too small and joined the one before.</summary>
        public bool LastBatchMerged { get; private set; }

        /// <summary>
        /// The next batch: its rows, row-major, in <paramref name="rows"/> x column count values of <paramref name="values"/>
        /// from the 64-byte aligned <paramref name="offset"/> on, which stay unchanged until the next call. False when the
        /// epoch has ended.
        /// </summary>
        public bool TryTake(out float[] values, out int offset, out int rows)
        {
            if (_reader is null)
            {
                var buffer = _buffers[0];
                (values, offset) = (buffer.Array, buffer.Offset);
                rows = Next(buffer);
                return rows > 0;
            }
            if (_current is not null)
            {
                _free!.Add(_current);
                _current = null;
            }
            if (_ready!.TryTake(out var batch, Timeout.Infinite))
            {
                _current = batch.Buffer;
                (values, offset, rows) = (batch.Buffer.Array, batch.Buffer.Offset, batch.Rows);
                return true;
            }
            _readerError?.Throw();
            (values, offset, rows) = (Array.Empty<float>(), 0, 0);
            return false;
        }

        private int BufferLength => Capacity * _columnCount;

        private void ReadAhead()
        {
            try
            {
                while (true)
                {
                    var buffer = _free!.Take(_stop!.Token);
                    int rows = Next(buffer);
                    if (rows == 0)
                        break;
                    _ready!.Add((buffer, rows));
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed before the epoch ended.
            }
            catch (Exception error)
            {
                _readerError = ExceptionDispatchInfo.Capture(error);
            }
            finally
            {
                _ready!.CompleteAdding();
            }
        }

        /// <summary>Assembles the next batch into <paramref name="target"/>; 0 rows when the epoch has ended.</summary>
        private int Next(Buffer target)
        {
            if (_ended)
                return 0;
            var buffer = target.Array.AsSpan(target.Offset, BufferLength);
            int d = _columnCount;
            int count = _carried;
            _lookAhead.AsSpan(0, count * d).CopyTo(buffer);
            _carried = 0;
            count += _rows.Read(buffer.Slice(count * d, (_batchSize - count) * d));
            if (count < _batchSize)
            {
                _ended = true;
                return count;
            }
            int ahead = _rows.Read(_lookAhead);
            if (ahead < _minimumRows)
            {
                // Too few rows left for a batch of their own: they join this one.
                _lookAhead.AsSpan(0, ahead * d).CopyTo(buffer.Slice(count * d));
                _ended = true;
                LastBatchMerged = ahead > 0;
                return count + ahead;
            }
            _carried = ahead;
            return count;
        }

        public void Dispose()
        {
            if (_reader is not null)
            {
                _stop!.Cancel();
                _reader.Join();
                _stop.Dispose();
                _free!.Dispose();
                _ready!.Dispose();
            }
            foreach (var buffer in _buffers)
                AlignedBufferPool.Return(buffer.Array, buffer.Offset, BufferLength);
            _rows.Dispose();
        }

        /// <summary>A pinned batch buffer and the aligned offset its rows start at.</summary>
        private sealed record Buffer(float[] Array, int Offset);
    }
}
