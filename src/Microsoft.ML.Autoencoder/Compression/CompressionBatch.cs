using System;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>
    /// The input rows of one batch and their compressed codes, for <see cref="AutoencoderCompressionTransformer"/>'s cursor
    /// (through <see cref="BatchedRowCursor{TBatch}"/>, up to <see cref="AutoencoderModel.BatchSize"/> rows at a time) and
    /// row mapper (one row): the codes of all rows are computed in one forward pass, then quantized.
    /// </summary>
    internal sealed class CompressionBatch : IRowBatch
    {
        private readonly AutoencoderModel _model;
        private readonly CodePrecision _precision;
        private readonly float[] _input;
        private readonly int _inputOffset;
        private readonly float[] _codes;
        private long _firstRowIndex;
        private bool _returned;

        public CompressionBatch(AutoencoderModel model, CodePrecision precision, int capacity)
        {
            _model = model;
            _precision = precision;
            Capacity = capacity;
            _input = AlignedBufferPool.Rent(capacity * model.InputSize, out _inputOffset);
            _codes = new float[capacity * model.LatentDimension];
            Bytes = new byte[capacity * CodeSize(model, precision)];
        }

        /// <summary>How the cursor and the row mapper compress the rows of <paramref name="inputColumnName"/> with <paramref name="model"/>.</summary>
        public static RowScorer<CompressionBatch> Scorer(AutoencoderModel model, CodePrecision precision, string inputColumnName)
            => new RowScorer<CompressionBatch>(
                inputColumnName,
                (sourceColumnCount, isActive) => new CompressedCodeColumn(sourceColumnCount, isActive(sourceColumnCount), CodeSize(model, precision)),
                (outputs, capacity) => new CompressionBatch(model, precision, capacity));

        /// <summary>The bytes of one row's code: the latent dimension, times 2 for float16.</summary>
        public static int CodeSize(AutoencoderModel model, CodePrecision precision) => model.LatentDimension * CompressedCodeFormat.ValueSize(precision);

        public int Capacity { get; }

        /// <summary>The compressed codes of the computed rows, row after row.</summary>
        public byte[] Bytes { get; }

        /// <summary>Checks source row <paramref name="rowIndex"/> as the autoencoder's own cursor does and copies it into slot <paramref name="slot"/>.</summary>
        /// <exception cref="InvalidOperationException">The row is shorter or longer than the column's type says, or has a NaN or infinite value.</exception>
        public void SetInput(int slot, in VBuffer<float> row, long rowIndex)
        {
            var description = _model.Description;
            if (slot == 0)
                _firstRowIndex = rowIndex;
            RowValidation.CheckLength(row.Length, _model.InputSize, rowIndex, description.InputColumnName, "data to compress");
            var values = _input.AsSpan(_inputOffset + slot * _model.InputSize, _model.InputSize);
            row.CopyTo(values);
            if (description.NonFiniteInput == NonFiniteInputHandling.Throw)
                RowValidation.CheckValues(values, rowIndex, description.InputColumnName, "data to compress", requireUnitInterval: false, BatchBuffers.NonFiniteAdvice);
        }

        /// <summary>Encodes the first <paramref name="rowCount"/> slots and quantizes their codes.</summary>
        /// <exception cref="InvalidOperationException">A code does not fit the precision (the row is named).</exception>
        public void Compute(int rowCount)
        {
            _model.Forward(new ForwardInput(_input, _inputOffset, rowCount, IsAligned: true), new ForwardOutputs(Latent: _codes));
            int dimension = _model.LatentDimension;
            CodeQuantization.Quantize(
                _codes.AsSpan(0, rowCount * dimension), dimension, _precision, _model.CodeRanges, Bytes, _firstRowIndex,
                message => new InvalidOperationException(message));
        }

        public void Dispose()
        {
            if (_returned)
                return;
            _returned = true;
            AlignedBufferPool.Return(_input, _inputOffset, Capacity * _model.InputSize);
        }
    }
}
