using System;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>The outputs of one batch, row after row; a <see langword="null"/> array is not computed.</summary>
    internal sealed record AnomalyOutputs(float[] Scores, bool[] Labels, float[]? NormalizedScores, float[]? Contributions, int[]? TopContributors);

    /// <summary>
    /// The standardized input rows of one batch, the autoencoder's outputs for them, and the detector's outputs. Each cursor,
    /// row and array call has its own (up to <see cref="AutoencoderModel.BatchSize"/> rows; one for a row mapper).
    /// </summary>
    internal sealed class AnomalyBatch : IRowBatch
    {
        private readonly AnomalyDetectorModel _model;
        private readonly string _dataName;
        private bool _returned;

        public AnomalyBatch(AnomalyDetectorModel model, int capacity, Func<AnomalyOutputKind, bool> isActive, string dataName)
        {
            _model = model;
            _dataName = dataName;
            Capacity = capacity;
            int d = model.FeatureCount, latent = model.LatentDimension;
            var description = model.Description;
            bool variational = description.ScoreKind != AnomalyScoreKind.ReconstructionError;
            bool top = isActive(AnomalyOutputKind.TopContributors) || isActive(AnomalyOutputKind.TopContributorNames);
            bool contributions = isActive(AnomalyOutputKind.FeatureContributions);
            Input = AlignedBufferPool.Rent(capacity * d, out int offset);
            InputOffset = offset;
            // Without an explanation, the plain score is the autoencoder's own mean squared error per row, computed by
            // libtorch (no reconstruction copied out); otherwise the squared errors of every feature are needed.
            // With an error window, libtorch computes the windowed error (whatever the training loss).
            ScoresFromModel = !variational && !top && !contributions && (description.ErrorWindow is not null || model.Autoencoder.Loss == ReconstructionLoss.MeanSquaredError);
            ForwardOutputs = ScoresFromModel
                ? new ForwardOutputs(Errors: new float[capacity], ErrorWindow: description.ErrorWindow)
                : new ForwardOutputs(
                    Latent: variational ? new float[capacity * latent] : null,
                    LogVariance: variational ? new float[capacity * latent] : null,
                    Reconstruction: new float[capacity * d]);
            SquaredErrors = ScoresFromModel ? Array.Empty<float>() : new float[capacity * d];
            MemberSums = new double[capacity];
            WindowErrors = new double[capacity];
            Residual = description.ErrorWindow is null ? Array.Empty<float>() : new float[d];
            WindowScratch = description.ErrorWindow is null ? Array.Empty<float>() : new float[d];
            if (description.ScoreKind == AnomalyScoreKind.ReconstructionProbability)
            {
                SampledLatent = new float[capacity * latent];
                Decoded = new float[capacity * d];
            }
            Outputs = new AnomalyOutputs(
                new float[capacity],
                new bool[capacity],
                isActive(AnomalyOutputKind.NormalizedScore) ? new float[capacity] : null,
                contributions ? new float[capacity * d] : null,
                top ? new int[capacity * description.TopContributorCount] : null);
        }

        /// <summary>How the shared cursor and row mapper (<see cref="BatchedRowCursor{TBatch}"/>) score rows with <paramref name="model"/>.</summary>
        public static RowScorer<AnomalyBatch> Scorer(AnomalyDetectorModel model)
            => new RowScorer<AnomalyBatch>(
                model.Description.FeatureColumnName,
                (sourceColumnCount, isActive) => new AnomalyOutputColumnSet(model.Description, sourceColumnCount, isActive),
                (outputs, capacity) => new AnomalyBatch(model, capacity, ((AnomalyOutputColumnSet)outputs).IsActive, "data to score"));

        public int Capacity { get; }

        /// <summary>The pinned, 64-byte aligned input buffer (from <see cref="AlignedBufferPool"/>); the rows start at <see cref="InputOffset"/>.</summary>
        public float[] Input { get; }

        public int InputOffset { get; }

        public ForwardOutputs ForwardOutputs { get; }

        /// <summary>Whether the scores are the autoencoder's row errors as libtorch computes them (see the constructor).</summary>
        public bool ScoresFromModel { get; }

        /// <summary>The squared error of each feature of each row, averaged over the members (when the scores are not the model's own).</summary>
        public float[] SquaredErrors { get; }

        /// <summary>Per row: the members' row errors summed (scores from the model) or their KL divergences averaged (negative ELBO).</summary>
        public double[] MemberSums { get; }

        /// <summary>Per row: the windowed error averaged over the members (with an error window).</summary>
        public double[] WindowErrors { get; }

        /// <summary>One row's residual, and scratch space for its window sums (with an error window).</summary>
        public float[] Residual { get; }

        public float[] WindowScratch { get; }

        public float[]? SampledLatent { get; }

        public float[]? Decoded { get; }

        public AnomalyOutputs Outputs { get; }

        /// <summary>
        /// Copies raw row <paramref name="rowIndex"/> into slot <paramref name="slot"/>, checked as training checks it (the
        /// column's size; no NaN or infinite value: the detector never scores such a row), and standardizes it.
        /// </summary>
        /// <exception cref="InvalidOperationException">The row has another length than the column's type, or a NaN or infinite value; the message names the row and the column.</exception>
        public void SetInput(int slot, in VBuffer<float> row, long rowIndex)
        {
            var description = _model.Description;
            int d = description.FeatureCount;
            RowValidation.CheckLength(row.Length, d, rowIndex, description.FeatureColumnName, _dataName);
            var values = Input.AsSpan(InputOffset + slot * d, d);
            row.CopyTo(values);
            SetInput(values, rowIndex);
        }

        /// <summary>As <see cref="SetInput(int, in VBuffer{float}, long)"/>, from an array.</summary>
        public void SetInput(int slot, ReadOnlySpan<float> row, long rowIndex)
        {
            int d = _model.FeatureCount;
            var values = Input.AsSpan(InputOffset + slot * d, d);
            row.CopyTo(values);
            SetInput(values, rowIndex);
        }

        private void SetInput(Span<float> values, long rowIndex)
        {
            var description = _model.Description;
            RowValidation.CheckValues(values, rowIndex, description.FeatureColumnName, _dataName, requireUnitInterval: false, NonFiniteAdvice);
            description.Standardization?.Apply(values);
        }

        /// <summary>Computes the outputs of the first <paramref name="rowCount"/> slots.</summary>
        public void Compute(int rowCount) => _model.Compute(this, rowCount);

        /// <summary>Gives the input buffer back for the next batch; the batch must not be used after.</summary>
        public void Dispose()
        {
            if (_returned)
                return;
            _returned = true;
            AlignedBufferPool.Return(Input, InputOffset, Capacity * _model.FeatureCount);
        }

        internal const string NonFiniteAdvice =
            "The anomaly detector never scores such a row (it could look normal): remove or impute such rows first (for example with ReplaceMissingValues), or flag them yourself.";
    }
}
