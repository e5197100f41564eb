using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;

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
    /// of its own. Its errors (a bad row, a failing source) are rethrown by <see cref="TryTake"/>.
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

        private readonly float[]? _inline;
        private readonly Thread? _reader;
        private readonly BlockingCollection<float[]>? _free;
        private readonly BlockingCollection<(float[] Values, int Rows)>? _ready;
        private readonly CancellationTokenSource? _stop;
        private ExceptionDispatchInfo? _readerError;
        private float[]? _current;

        public StreamingBatches(RowStream rows, int batchSize, int minimumRows, int columnCount, bool overlap)
        {
            _rows = rows;
            _batchSize = batchSize;
            _minimumRows = minimumRows;
            _columnCount = columnCount;
            _lookAhead = new float[(long)minimumRows * columnCount];
            if (!overlap)
            {
                _inline = NewBuffer();
                return;
            }
            _free = new BlockingCollection<float[]>();
            for (int i = 0; i < BufferCount; i++)
                _free.Add(NewBuffer());
            _ready = new BlockingCollection<(float[], int)>();
            _stop = new CancellationTokenSource();
            _reader = new Thread(ReadAhead) { IsBackground = true, Name = "Autoencoder batch reader" };
            _reader.Start();
        }

        /// <summary>The largest batch, in rows: the batch size plus a last batch's rows that joined it.</summary>
        public int Capacity => _batchSize + _minimumRows - 1;

        /// <summary>Whether the last batch of the epoch was too small and joined the one before.</summary>
        public bool LastBatchMerged { get; private set; }

        /// <summary>
        /// The next batch: its rows, row-major, in the first <paramref name="rows"/> x column count values of
        /// <paramref name="values"/>, which stay valid until the next call. False when the epoch has ended.
        /// </summary>
        public bool TryTake(out float[] values, out int rows)
        {
            if (_inline is not null)
            {
                values = _inline;
                rows = Next(_inline);
                return rows > 0;
            }
            if (_current is not null)
            {
                _free!.Add(_current);
                _current = null;
            }
            if (_ready!.TryTake(out var batch, Timeout.Infinite))
            {
                _current = batch.Values;
                (values, rows) = batch;
                return true;
            }
            _readerError?.Throw();
            values = Array.Empty<float>();
            rows = 0;
            return false;
        }

        private float[] NewBuffer() => new float[(long)Capacity * _columnCount];

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

        /// <summary>Assembles the next batch into <paramref name="buffer"/>; 0 rows when the epoch has ended.</summary>
        private int Next(float[] buffer)
        {
            if (_ended)
                return 0;
            int d = _columnCount;
            int count = _carried;
            _lookAhead.AsSpan(0, count * d).CopyTo(buffer);
            _carried = 0;
            count += _rows.Read(buffer.AsSpan(count * d, (_batchSize - count) * d));
            if (count < _batchSize)
            {
                _ended = true;
                return count;
            }
            int ahead = _rows.Read(_lookAhead);
            if (ahead < _minimumRows)
            {
                // Too few rows left for a batch of their own: they join this one.
                _lookAhead.AsSpan(0, ahead * d).CopyTo(buffer.AsSpan(count * d));
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
            _rows.Dispose();
        }
    }
}
