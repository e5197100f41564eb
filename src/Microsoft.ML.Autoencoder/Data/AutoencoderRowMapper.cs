using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>Maps single rows, as <c>PredictionEngine</c> does.</summary>
    internal sealed class AutoencoderRowMapper : IRowToRowMapper
    {
        private readonly AutoencoderTransformer _parent;

        public AutoencoderRowMapper(AutoencoderTransformer parent, DataViewSchema inputSchema, DataViewSchema outputSchema)
        {
            _parent = parent;
            InputSchema = inputSchema;
            OutputSchema = outputSchema;
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema OutputSchema { get; }

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var needed = new HashSet<int>();
            foreach (var column in dependingColumns)
                needed.Add(column.Index < InputSchema.Count ? column.Index : InputSchema[_parent.InputColumnName].Index);
            return InputSchema.Where(c => needed.Contains(c.Index));
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            if (input.Schema != InputSchema)
                throw new ArgumentException("The row's schema is not the mapper's input schema.", nameof(input));
            return new Row(_parent, input, OutputSchema, activeColumns.Select(c => c.Index).ToHashSet());
        }

        /// <summary>A row whose outputs are computed when first read, once per input position.</summary>
        private sealed class Row : DataViewRow
        {
            private readonly DataViewRow _input;
            private readonly OutputBuffers _buffers;
            private readonly (OutputKind Kind, bool Active)[] _outputs;
            private readonly ValueGetter<VBuffer<float>>? _inputGetter;
            private VBuffer<float> _row;
            private long _computedPosition = -1;

            public Row(AutoencoderTransformer parent, DataViewRow input, DataViewSchema schema, ISet<int> active)
            {
                _input = input;
                Schema = schema;
                int sourceCount = input.Schema.Count;
                _outputs = parent.OutputColumns.Select((column, i) => (column.Kind, active.Contains(sourceCount + i))).ToArray();
                _buffers = new OutputBuffers(parent, 1,
                    latent: IsActive(OutputKind.Latent), logVariance: IsActive(OutputKind.LogVariance), reconstruction: IsActive(OutputKind.Reconstruction), error: IsActive(OutputKind.ReconstructionError));
                if (_buffers.AnyOutput)
                    _inputGetter = input.GetGetter<VBuffer<float>>(input.Schema[parent.InputColumnName]);
            }

            public override DataViewSchema Schema { get; }

            public override long Position => _input.Position;

            public override long Batch => _input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column)
                => column.Index < _input.Schema.Count ? _input.IsColumnActive(_input.Schema[column.Index]) : _outputs[column.Index - _input.Schema.Count].Active;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                int sourceCount = _input.Schema.Count;
                if (column.Index < sourceCount)
                    return _input.GetGetter<TValue>(_input.Schema[column.Index]);
                var (kind, active) = _outputs[column.Index - sourceCount];
                if (!active)
                    throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was created.");
                if (_buffers.CreateGetter(kind, Compute) is not ValueGetter<TValue> getter)
                    throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
                return getter;
            }

            private bool IsActive(OutputKind kind) => _outputs.Any(o => o.Kind == kind && o.Active);

            private int Compute()
            {
                if (_computedPosition != _input.Position || _input.Position < 0)
                {
                    _inputGetter!(ref _row);
                    _buffers.SetInput(0, _row);
                    _buffers.Compute(1);
                    _computedPosition = _input.Position;
                }
                return 0;
            }
        }
    }
}
