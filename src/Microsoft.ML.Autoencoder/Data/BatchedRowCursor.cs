using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// A cursor over the source with the output columns added. Outputs are computed for up to
    /// <see cref="AutoencoderModel.BatchSize"/> rows at a time: a second cursor over the
    /// source's input column reads ahead, and the rows it reads are run through the network together.
    /// When the caller asks for shuffled rows, the two cursors could disagree on the order, so outputs
    /// are then computed one row at a time from this cursor's own input. When the caller reads no source
    /// column (only outputs), the read-ahead cursor is the only one: the source is read once.
    /// </summary>
    internal sealed class BatchedRowCursor<TBatch> : DataViewRowCursor
        where TBatch : IRowBatch
    {
        private readonly DataViewRowCursor _input;
        private readonly DataViewRowCursor? _readAhead;
        private readonly ValueGetter<VBuffer<float>>? _inputGetter;
        private readonly TBatch _buffers;
        private readonly IOutputColumns<TBatch> _outputs;
        private VBuffer<float> _row;
        private long _rowIndex = -1;
        private long _batchStart;
        private int _batchRows;
        private long _readAheadIndex = -1;
        private bool _computed;
        private readonly bool _readAheadOnly;
        private bool _disposed;

        public BatchedRowCursor(RowScorer<TBatch> scorer, IDataView source, DataViewSchema schema, ISet<int> columnsNeeded, Random? rand)
        {
            Schema = schema;
            _outputs = scorer.CreateOutputs(source.Schema.Count, columnsNeeded.Contains);
            bool anyOutput = _outputs.AnyActive;
            var inputColumn = source.Schema[scorer.InputColumnName];
            var sourceColumns = source.Schema.Where(c => columnsNeeded.Contains(c.Index)).ToList();
            bool batched = rand is null;
            if (anyOutput && !batched && !sourceColumns.Contains(inputColumn))
                sourceColumns.Add(inputColumn);

            _readAheadOnly = anyOutput && batched && sourceColumns.Count == 0;
            _input = source.GetRowCursor(_readAheadOnly ? new[] { inputColumn } : sourceColumns, rand);
            _buffers = scorer.CreateBatch(_outputs, batched ? AutoencoderModel.BatchSize : 1);
            if (anyOutput)
            {
                if (batched)
                {
                    _readAhead = _readAheadOnly ? _input : source.GetRowCursor(new[] { inputColumn });
                    _inputGetter = _readAhead.GetGetter<VBuffer<float>>(inputColumn);
                }
                else
                {
                    _inputGetter = _input.GetGetter<VBuffer<float>>(inputColumn);
                }
            }
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _readAheadOnly ? _rowIndex : _input.Position;

        public override long Batch => _readAheadOnly ? 0 : _input.Batch;

        /// <summary>The source's row ids; with the read-ahead cursor alone, ids made from the position.</summary>
        public override ValueGetter<DataViewRowId> GetIdGetter()
            => _readAheadOnly ? (ref DataViewRowId id) => id = new DataViewRowId((ulong)_rowIndex, 0) : _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => column.Index < _outputs.SourceColumnCount
                ? !_readAheadOnly && _input.IsColumnActive(_input.Schema[column.Index])
                : _outputs.IsColumnActive(column);

        public override bool MoveNext()
        {
            if (_readAheadOnly)
                return MoveNextReadingAhead();
            if (!_input.MoveNext())
                return false;
            _rowIndex++;
            return true;
        }

        /// <summary>Moves within the batch already read, or reads the next batch's inputs.</summary>
        private bool MoveNextReadingAhead()
        {
            if (_rowIndex + 1 < _batchStart + _batchRows)
            {
                _rowIndex++;
                return true;
            }
            int rows = 0;
            while (rows < _buffers.Capacity && _input.MoveNext())
            {
                _inputGetter!(ref _row);
                _buffers.SetInput(rows, _row, _rowIndex + 1 + rows);
                rows++;
            }
            if (rows == 0)
                return false;
            _rowIndex++;
            _batchStart = _rowIndex;
            _batchRows = rows;
            _computed = false;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _outputs.SourceColumnCount)
            {
                if (_readAheadOnly)
                    throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            }
            return _outputs.GetGetter<TValue>(column, _buffers, CurrentSlot);
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
                return;
            if (disposing)
            {
                _buffers.Dispose();
                _input.Dispose();
                if (!ReferenceEquals(_readAhead, _input))
                    _readAhead?.Dispose();
            }
            _disposed = true;
            base.Dispose(disposing);
        }

        /// <summary>Computes the outputs of the batch holding the current row if needed; returns its slot.</summary>
        private int CurrentSlot()
        {
            if (_rowIndex < 0)
                throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
            if (_rowIndex >= _batchStart + _batchRows)
            {
                if (_readAhead is null)
                {
                    _inputGetter!(ref _row);
                    _buffers.SetInput(0, _row, _rowIndex);
                    _batchRows = 1;
                }
                else
                {
                    ReadAheadBatch();
                }
                _batchStart = _rowIndex;
                _computed = false;
            }
            if (!_computed)
            {
                _buffers.Compute(_batchRows);
                _computed = true;
            }
            return (int)(_rowIndex - _batchStart);
        }

        private void ReadAheadBatch()
        {
            var readAhead = _readAhead!;
            while (_readAheadIndex < _rowIndex - 1)
            {
                if (!readAhead.MoveNext())
                    throw new InvalidOperationException("The source data returned fewer rows to a second cursor than to the first.");
                _readAheadIndex++;
            }
            int rows = 0;
            while (rows < _buffers.Capacity && readAhead.MoveNext())
            {
                _readAheadIndex++;
                _inputGetter!(ref _row);
                _buffers.SetInput(rows++, _row, _readAheadIndex);
            }
            if (rows == 0)
                throw new InvalidOperationException("The source data returned fewer rows to a second cursor than to the first.");
            _batchRows = rows;
        }
    }
}
