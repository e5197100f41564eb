using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>
    /// The lazy output of <see cref="AutoencoderDecompressionTransformer.Transform"/>: the source's columns plus the
    /// reconstruction decoded from the compressed-code column, one row at a time, when it is read.
    /// </summary>
    internal sealed class DecompressionDataView : IDataView
    {
        private readonly IDataView _source;
        private readonly DecompressionSettings _settings;

        public DecompressionDataView(IDataView source, DataViewSchema schema, DecompressionSettings settings)
        {
            _source = source;
            _settings = settings;
            Schema = schema;
        }

        public bool CanShuffle => _source.CanShuffle;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => _source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
            bool outputActive = needed.Contains(_source.Schema.Count);
            var sourceColumns = _source.Schema.Where(c => needed.Contains(c.Index)).ToList();
            var inputColumn = _source.Schema[_settings.InputColumnName];
            if (outputActive && !sourceColumns.Contains(inputColumn))
                sourceColumns.Add(inputColumn);
            return new Cursor(_source.GetRowCursor(sourceColumns, rand), Schema, outputActive ? new Decoder(_settings, null) : null);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        /// <summary>A row of <paramref name="input"/> with the reconstruction added (the row mapper's, for <c>PredictionEngine</c>).</summary>
        public static DataViewRow MapRow(DataViewRow input, DataViewSchema schema, DecompressionSettings settings, bool outputActive)
            => new Row(input, schema, outputActive ? new Decoder(settings, input) : null);

        /// <summary>Decodes the current row's compressed code once per position.</summary>
        private sealed class Decoder
        {
            private readonly DecompressionSettings _settings;
            private readonly byte[] _payload;
            private readonly float[] _code;
            private readonly float[] _reconstruction;
            private ValueGetter<VBuffer<byte>>? _getter;
            private DataViewRow? _input;
            private VBuffer<byte> _bytes;
            private long _decodedPosition = -1;

            public Decoder(DecompressionSettings settings, DataViewRow? input)
            {
                _settings = settings;
                _payload = new byte[settings.CodeSize];
                _code = new float[settings.Model.LatentDimension];
                _reconstruction = new float[settings.Model.InputSize];
                if (input is not null)
                    Attach(input);
            }

            public void Attach(DataViewRow input)
            {
                _input = input;
                _getter = input.GetGetter<VBuffer<byte>>(input.Schema[_settings.InputColumnName]);
            }

            /// <exception cref="InvalidOperationException">The code has another length than the column's type says, or (float16) a NaN or infinite value.</exception>
            public float[] Current()
            {
                var input = _input!;
                if (_decodedPosition == input.Position && input.Position >= 0)
                    return _reconstruction;
                _decodedPosition = -1;
                _getter!(ref _bytes);
                int size = _settings.CodeSize;
                if (_bytes.Length != size)
                    throw new InvalidOperationException($"Row {input.Position}: the compressed code in column '{_settings.InputColumnName}' has {_bytes.Length} bytes; {size} were expected.");
                _bytes.CopyTo(_payload);
                var model = _settings.Model;
                CodeQuantization.Dequantize(_payload, model.LatentDimension, _settings.Precision, model.CodeRanges, _code);
                int bad = Array.FindIndex(_code, v => !float.IsFinite(v));
                if (bad >= 0)
                    throw new InvalidOperationException($"Row {input.Position}: the compressed code in column '{_settings.InputColumnName}' has the value {_code[bad]} at dimension {bad}, which cannot be decoded.");
                model.Decode(_code, 1, _reconstruction);
                _decodedPosition = input.Position;
                return _reconstruction;
            }

            public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> destination) =>
                {
                    var values = Current();
                    var editor = VBufferEditor.Create(ref destination, values.Length);
                    values.CopyTo(editor.Values);
                    destination = editor.Commit();
                };
                return getter as ValueGetter<TValue>
                    ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
            }
        }

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly DataViewRowCursor _input;
            private readonly Decoder? _decoder;

            public Cursor(DataViewRowCursor input, DataViewSchema schema, Decoder? decoder)
            {
                _input = input;
                Schema = schema;
                _decoder = decoder;
                _decoder?.Attach(input);
            }

            public override DataViewSchema Schema { get; }

            public override long Position => _input.Position;

            public override long Batch => _input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column)
                => column.Index < _input.Schema.Count ? _input.IsColumnActive(_input.Schema[column.Index]) : _decoder is not null;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
                => column.Index < _input.Schema.Count
                    ? _input.GetGetter<TValue>(_input.Schema[column.Index])
                    : (_decoder ?? throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.")).GetGetter<TValue>(column);

            public override bool MoveNext() => _input.MoveNext();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                    _input.Dispose();
                base.Dispose(disposing);
            }
        }

        private sealed class Row : DataViewRow
        {
            private readonly DataViewRow _input;
            private readonly Decoder? _decoder;

            public Row(DataViewRow input, DataViewSchema schema, Decoder? decoder)
            {
                _input = input;
                Schema = schema;
                _decoder = decoder;
            }

            public override DataViewSchema Schema { get; }

            public override long Position => _input.Position;

            public override long Batch => _input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column)
                => column.Index < _input.Schema.Count ? _input.IsColumnActive(_input.Schema[column.Index]) : _decoder is not null;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
                => column.Index < _input.Schema.Count
                    ? _input.GetGetter<TValue>(_input.Schema[column.Index])
                    : (_decoder ?? throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was created.")).GetGetter<TValue>(column);
        }
    }
}
