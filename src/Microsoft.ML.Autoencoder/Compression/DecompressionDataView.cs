using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>
    /// The lazy output of <see cref="AutoencoderDecompressionTransformer.Transform"/>: the source's columns plus the
    /// reconstruction decoded from the compressed-code column when it is read, in batches when the rows come in order.
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
            var input = _source.GetRowCursor(sourceColumns, rand);
            if (!outputActive)
                return new Cursor(input, Schema, null);
            // In order, codes are read ahead by a second cursor and decoded a batch at a time; shuffled, the two cursors
            // could disagree on the order, so each row is decoded from this cursor's own code.
            if (rand is null)
                return new Cursor(input, Schema, new BatchDecoder(_settings, _source.GetRowCursor(new[] { inputColumn }), () => input.Position));
            var decoder = new Decoder(_settings, null);
            decoder.Attach(input);
            return new Cursor(input, Schema, decoder);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        /// <summary>A row of <paramref name="input"/> with the reconstruction added (the row mapper's, for <c>PredictionEngine</c>).</summary>
        public static DataViewRow MapRow(DataViewRow input, DataViewSchema schema, DecompressionSettings settings, bool outputActive)
            => new Row(input, schema, outputActive ? new Decoder(settings, input) : null);

        /// <summary>Serves the current row's reconstruction: the array that holds it and where it starts.</summary>
        private interface IReconstructions : IDisposable
        {
            (float[] Values, int Offset) Current();
        }

        /// <summary>The getter of the reconstruction column (<paramref name="size"/> values) over <paramref name="source"/>.</summary>
        private static ValueGetter<TValue> ReconstructionGetter<TValue>(DataViewSchema.Column column, IReconstructions source, int size)
        {
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> destination) =>
            {
                var (values, offset) = source.Current();
                var editor = VBufferEditor.Create(ref destination, size);
                values.AsSpan(offset, size).CopyTo(editor.Values);
                destination = editor.Commit();
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        /// <summary>Reads one row's code from <paramref name="getter"/> into <paramref name="codes"/> at <paramref name="offset"/>, checked.</summary>
        /// <exception cref="InvalidOperationException">The code has another length than the column's type says, or (float16) a NaN or infinite value.</exception>
        private static void ReadCode(DecompressionSettings settings, ValueGetter<VBuffer<byte>> getter, ref VBuffer<byte> bytes, byte[] payload, float[] codes, int offset, long rowIndex)
        {
            getter(ref bytes);
            if (bytes.Length != payload.Length)
                throw new InvalidOperationException($"Row {rowIndex}: the compressed code in column '{settings.InputColumnName}' has {bytes.Length} bytes; {payload.Length} were expected.");
            bytes.CopyTo(payload);
            var model = settings.Model;
            var code = codes.AsSpan(offset, model.LatentDimension);
            CodeQuantization.Dequantize(payload, model.LatentDimension, settings.Precision, model.CodeRanges, code);
            for (int k = 0; k < code.Length; k++)
            {
                if (!float.IsFinite(code[k]))
                    throw new InvalidOperationException($"Row {rowIndex}: the compressed code in column '{settings.InputColumnName}' has the value {code[k]} at dimension {k}, which cannot be decoded.");
            }
        }

        /// <summary>
        /// Decodes the codes of up to <see cref="AutoencoderModel.BatchSize"/> rows at once, read ahead by a cursor of its
        /// own over the code column, when the current row (given by <c>position</c>) is past the batch decoded last.
        /// </summary>
        private sealed class BatchDecoder : IReconstructions
        {
            private readonly DecompressionSettings _settings;
            private readonly DataViewRowCursor _readAhead;
            private readonly ValueGetter<VBuffer<byte>> _getter;
            private readonly Func<long> _position;
            private readonly byte[] _payload;
            private readonly float[] _codes;
            private readonly float[] _reconstructions;
            private VBuffer<byte> _bytes;
            private long _readAheadIndex = -1;
            private long _batchStart;
            private int _batchRows;

            public BatchDecoder(DecompressionSettings settings, DataViewRowCursor readAhead, Func<long> position)
            {
                _settings = settings;
                _readAhead = readAhead;
                _getter = readAhead.GetGetter<VBuffer<byte>>(readAhead.Schema[settings.InputColumnName]);
                _position = position;
                _payload = new byte[settings.CodeSize];
                _codes = new float[AutoencoderModel.BatchSize * settings.Model.LatentDimension];
                _reconstructions = new float[AutoencoderModel.BatchSize * settings.Model.InputSize];
            }

            public (float[] Values, int Offset) Current()
            {
                long row = _position();
                if (row < 0)
                    throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
                if (row < _batchStart || row >= _batchStart + _batchRows)
                    DecodeBatch(row);
                return (_reconstructions, (int)(row - _batchStart) * _settings.Model.InputSize);
            }

            private void DecodeBatch(long row)
            {
                _batchRows = 0; // a batch that fails its checks is not served
                while (_readAheadIndex < row - 1)
                {
                    if (!_readAhead.MoveNext())
                        throw new InvalidOperationException("The source data returned fewer rows to a second cursor than to the first.");
                    _readAheadIndex++;
                }
                int latent = _settings.Model.LatentDimension, rows = 0;
                while (rows < AutoencoderModel.BatchSize && _readAhead.MoveNext())
                {
                    _readAheadIndex++;
                    ReadCode(_settings, _getter, ref _bytes, _payload, _codes, rows * latent, _readAheadIndex);
                    rows++;
                }
                if (rows == 0)
                    throw new InvalidOperationException("The source data returned fewer rows to a second cursor than to the first.");
                _settings.Model.Decode(_codes, rows, _reconstructions);
                _batchStart = row;
                _batchRows = rows;
            }

            public void Dispose() => _readAhead.Dispose();
        }

        /// <summary>Decodes the current row's compressed code once per position.</summary>
        private sealed class Decoder : IReconstructions
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

            public (float[] Values, int Offset) Current()
            {
                var input = _input!;
                if (_decodedPosition == input.Position && input.Position >= 0)
                    return (_reconstruction, 0);
                _decodedPosition = -1;
                ReadCode(_settings, _getter!, ref _bytes, _payload, _code, 0, input.Position);
                _settings.Model.Decode(_code, 1, _reconstruction);
                _decodedPosition = input.Position;
                return (_reconstruction, 0);
            }

            public void Dispose()
            {
            }
        }

        /// <summary>Whether <paramref name="column"/> of a cursor or row over <paramref name="input"/> is active: a source column as the source says, the reconstruction when a decoder was made for it.</summary>
        private static bool IsActive(DataViewRow input, DataViewSchema.Column column, IReconstructions? decoder)
            => column.Index < input.Schema.Count ? input.IsColumnActive(input.Schema[column.Index]) : decoder is not null;

        /// <summary>The getter of <paramref name="column"/> of a cursor or row (<paramref name="kind"/>) over <paramref name="input"/>.</summary>
        private static ValueGetter<TValue> Getter<TValue>(DataViewRow input, DataViewSchema schema, DataViewSchema.Column column, IReconstructions? decoder, string kind)
            => column.Index < input.Schema.Count
                ? input.GetGetter<TValue>(input.Schema[column.Index])
                : ReconstructionGetter<TValue>(column, decoder ?? throw new InvalidOperationException($"Column '{column.Name}' was not requested when the {kind} was created."), ((VectorDataViewType)schema[column.Index].Type).Size);

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly DataViewRowCursor _input;
            private readonly IReconstructions? _decoder;

            public Cursor(DataViewRowCursor input, DataViewSchema schema, IReconstructions? decoder)
            {
                _input = input;
                Schema = schema;
                _decoder = decoder;
            }

            public override DataViewSchema Schema { get; }

            public override long Position => _input.Position;

            public override long Batch => _input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) => IsActive(_input, column, _decoder);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Getter<TValue>(_input, Schema, column, _decoder, "cursor");

            public override bool MoveNext() => _input.MoveNext();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _decoder?.Dispose();
                    _input.Dispose();
                }
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

            public override bool IsColumnActive(DataViewSchema.Column column) => IsActive(_input, column, _decoder);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Getter<TValue>(_input, Schema, column, _decoder, "row");
        }
    }
}
