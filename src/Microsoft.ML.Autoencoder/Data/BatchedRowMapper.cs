using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>Maps single rows, as <c>PredictionEngine</c> does.</summary>
    internal sealed class BatchedRowMapper<TBatch> : IRowToRowMapper
        where TBatch : IRowBatch
    {
        private readonly RowScorer<TBatch> _scorer;

        public BatchedRowMapper(RowScorer<TBatch> scorer, DataViewSchema inputSchema, DataViewSchema outputSchema)
        {
            _scorer = scorer;
            InputSchema = inputSchema;
            OutputSchema = outputSchema;
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema OutputSchema { get; }

        /// <summary>The input columns that <paramref name="dependingColumns"/> need: a source column itself, an output the input column.</summary>
        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            if (dependingColumns is null)
                throw new ArgumentNullException(nameof(dependingColumns));
            var needed = new HashSet<int>();
            foreach (var column in dependingColumns)
                needed.Add(column.Index < InputSchema.Count ? column.Index : InputSchema[_scorer.InputColumnName].Index);
            return InputSchema.Where(c => needed.Contains(c.Index));
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            if (activeColumns is null)
                throw new ArgumentNullException(nameof(activeColumns));
            if (input.Schema != InputSchema)
                throw new ArgumentException("The row's schema is not the mapper's input schema.", nameof(input));
            return new Row(_scorer, input, OutputSchema, activeColumns.Select(c => c.Index).ToHashSet());
        }

        /// <summary>A row whose outputs are computed when first read, once per input position.</summary>
        private sealed class Row : DataViewRow
        {
            private readonly DataViewRow _input;
            private readonly TBatch _buffers;
            private readonly IOutputColumns<TBatch> _outputs;
            private readonly ValueGetter<VBuffer<float>>? _inputGetter;
            private VBuffer<float> _row;
            private long _computedPosition = -1;

            public Row(RowScorer<TBatch> scorer, DataViewRow input, DataViewSchema schema, ISet<int> active)
            {
                _input = input;
                Schema = schema;
                _outputs = scorer.CreateOutputs(input.Schema.Count, active.Contains);
                _buffers = scorer.CreateBatch(_outputs, 1);
                if (_outputs.AnyActive)
                    _inputGetter = input.GetGetter<VBuffer<float>>(input.Schema[scorer.InputColumnName]);
            }

            public override DataViewSchema Schema { get; }

            public override long Position => _input.Position;

            public override long Batch => _input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column)
                => column.Index < _outputs.SourceColumnCount ? _input.IsColumnActive(_input.Schema[column.Index]) : _outputs.IsColumnActive(column);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
                => column.Index < _outputs.SourceColumnCount
                    ? _input.GetGetter<TValue>(_input.Schema[column.Index])
                    : _outputs.GetGetter<TValue>(column, _buffers, Compute);

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                    _buffers.Dispose();
                base.Dispose(disposing);
            }

            private int Compute()
            {
                if (_computedPosition != _input.Position || _input.Position < 0)
                {
                    _computedPosition = -1; // a row that fails its checks is not served from the previous row's outputs
                    _inputGetter!(ref _row);
                    _buffers.SetInput(0, _row, _input.Position);
                    _buffers.Compute(1);
                    _computedPosition = _input.Position;
                }
                return 0;
            }
        }
    }
}
