using System;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The input rows of one batch and the outputs the model computed for them. Shared by the transformer's cursor
    /// (up to <see cref="AutoencoderModel.BatchSize"/> rows per batch) and its row mapper (one row).
    /// </summary>
    internal sealed class BatchBuffers : IRowBatch
    {
        private readonly AutoencoderModel _model;
        private readonly float[] _input;
        private readonly int _inputOffset;
        private bool _returned;

        public BatchBuffers(AutoencoderModel model, int capacity, OutputColumnSet active)
        {
            _model = model;
            Capacity = capacity;
            _input = AlignedBufferPool.Rent(capacity * model.InputSize, out _inputOffset);
            int latent = capacity * model.LatentDimension;
            Outputs = new ForwardOutputs(
                Latent: active.IsActive(OutputKind.Latent) ? new float[latent] : null,
                LogVariance: active.IsActive(OutputKind.LogVariance) ? new float[latent] : null,
                Reconstruction: active.IsActive(OutputKind.Reconstruction) ? new float[capacity * model.InputSize] : null,
                Errors: active.IsActive(OutputKind.ReconstructionError) ? new float[capacity] : null);
        }

        /// <summary>How the cursor and the row mapper score rows with <paramref name="model"/>.</summary>
        public static RowScorer<BatchBuffers> Scorer(AutoencoderModel model)
            => new RowScorer<BatchBuffers>(
                model.Description.InputColumnName,
                (sourceColumnCount, isActive) => new OutputColumnSet(model.Description, sourceColumnCount, isActive),
                (outputs, capacity) => new BatchBuffers(model, capacity, (OutputColumnSet)outputs));

        public int Capacity { get; }

        public ForwardOutputs Outputs { get; }

        /// <summary>
        /// Copies input row <paramref name="rowIndex"/> of the source into slot <paramref name="slot"/>, after checking it as
        /// strictly as training does: the column's size, and no NaN or infinite value unless the model lets them through.
        /// </summary>
        /// <exception cref="InvalidOperationException">The row is shorter or longer than the column's type says, or has a NaN or infinite value.</exception>
        public void SetInput(int slot, in VBuffer<float> row, long rowIndex)
        {
            var description = _model.Description;
            RowValidation.CheckLength(row.Length, _model.InputSize, rowIndex, description.InputColumnName, "data to transform");
            var values = _input.AsSpan(_inputOffset + slot * _model.InputSize, _model.InputSize);
            row.CopyTo(values);
            if (description.NonFiniteInput == NonFiniteInputHandling.Throw)
                RowValidation.CheckValues(values, rowIndex, description.InputColumnName, "data to transform", requireUnitInterval: false, NonFiniteAdvice);
        }

        /// <summary>Computes the outputs of the first <paramref name="rowCount"/> slots.</summary>
        public void Compute(int rowCount) => _model.Forward(new ForwardInput(_input, _inputOffset, rowCount, IsAligned: true), Outputs);

        /// <summary>Gives the input buffer back for the next cursor; the buffers must not be used after.</summary>
        public void Dispose()
        {
            if (_returned)
                return;
            _returned = true;
            AlignedBufferPool.Return(_input, _inputOffset, Capacity * _model.InputSize);
        }

        internal const string NonFiniteAdvice =
            "Remove or impute such rows first (for example with ReplaceMissingValues), or train with Options.NonFiniteInput = NonFiniteInputHandling.Propagate to get NaN outputs for them.";
    }
}
