using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.AnomalyDetection;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// A trained autoencoder anomaly detector. <see cref="Transform"/> adds, after the input's columns, the anomaly
    /// <c>Score</c> (Single, higher is more anomalous), <c>PredictedLabel</c> (Boolean: the score is above
    /// <see cref="Threshold"/>) and, when configured, a normalized score in [0, 1] and the explanation: each feature's share
    /// of the row's error and the top contributors' indices and slot names. <c>mlContext.AnomalyDetection.Evaluate</c> reads
    /// the output as it reads <c>RandomizedPca</c>'s.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Rows are scored in batches of up to 1024 through the autoencoder (as its own <c>Transform</c> does); the row mapper
    /// that <c>PredictionEngine</c> uses scores one row at a time. A row with a NaN or infinite value, or of another length
    /// than the column's type, is never scored: reading its outputs throws an <see cref="InvalidOperationException"/>
    /// naming the row and the column.
    /// </para>
    /// <para>
    /// <see cref="WithThreshold(float)"/> gives a detector with another threshold (ML.NET's <c>ChangeModelThreshold</c> takes only
    /// its own <c>AnomalyPredictionTransformer</c>; see docs/design.md). Save and load it with <c>mlContext.Model.Save</c>/<c>Load</c>:
    /// the autoencoder, the standardization, the threshold, the normalization and the explanation settings are all saved.
    /// </para>
    /// <para>
    /// Native memory: the autoencoder's network is freed when this detector, every detector made from it by
    /// <see cref="WithThreshold(float)"/> and every <c>PredictionEngine</c> made from any of them have been disposed (each engine
    /// disposes its model once, so the detector counts them, as <see cref="AutoencoderTransformer"/> does).
    /// </para>
    /// </remarks>
    public sealed class AutoencoderAnomalyTransformer : ITransformer, IDisposable
    {
        private readonly AnomalyDetectorModel _model;
        private readonly AnomalyDetectorLease _lease;

        internal AutoencoderAnomalyTransformer(AnomalyDetectorModel model, AnomalyDetectorLease lease)
        {
            _model = model;
            _lease = lease;
        }

        private AnomalyDetectorDescription Description => _model.Description;

        /// <summary>The feature column's name.</summary>
        public string FeatureColumnName => Description.FeatureColumnName;

        /// <summary>The number of features in a row.</summary>
        public int FeatureCount => Description.FeatureCount;

        /// <summary>The score column's name.</summary>
        public string ScoreColumnName => Description.ScoreColumnName;

        /// <summary>The predicted-label column's name.</summary>
        public string PredictedLabelColumnName => Description.PredictedLabelColumnName;

        /// <summary>The normalized-score column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? NormalizedScoreColumnName => Description.NormalizedScoreColumnName;

        /// <summary>The feature-contributions column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? FeatureContributionsColumnName => Description.FeatureContributionsColumnName;

        /// <summary>The top-contributors column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? TopContributorsColumnName => Description.TopContributorsColumnName;

        /// <summary>The top-contributor names column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? TopContributorNamesColumnName => Description.TopContributorNamesColumnName;

        /// <summary>How many features the top-contributor columns name.</summary>
        public int TopContributorCount => Description.TopContributorCount;

        /// <summary>What the score measures.</summary>
        public AnomalyScoreKind ScoreKind => Description.ScoreKind;

        /// <summary>How the normalized score is computed.</summary>
        public AnomalyScoreNormalization ScoreNormalization => Description.ScoreNormalization;

        /// <summary>Whether the features are standardized with the training statistics before scoring.</summary>
        public bool IsStandardized => Description.Standardization is not null;

        /// <summary>The training mean of each feature (empty when <see cref="IsStandardized"/> is false).</summary>
        public IReadOnlyList<float> FeatureMeans => Description.Standardization?.Mean ?? Array.Empty<float>();

        /// <summary>
        /// What each feature is divided by: its training standard deviation, or 1 for a constant feature (empty when
        /// <see cref="IsStandardized"/> is false).
        /// </summary>
        public IReadOnlyList<float> FeatureScales => Description.Standardization?.Scale ?? Array.Empty<float>();

        /// <summary>The feature column's slot names at training, or <see langword="null"/> when it had none.</summary>
        public IReadOnlyList<string>? FeatureNames => Description.SlotNames;

        /// <summary>The threshold: scores strictly above it are anomalies.</summary>
        public float Threshold => Description.Threshold.Value;

        /// <summary>How <see cref="Threshold"/> was chosen.</summary>
        public AnomalyThresholdMethod ThresholdMethod => Description.Threshold.Method;

        /// <summary>How <see cref="Threshold"/> was chosen, in words (also written to the MLContext's log at training).</summary>
        public string ThresholdDescription => Description.Threshold.Description;

        /// <summary>The number of training rows the threshold and normalization were fitted on.</summary>
        public long TrainingRowCount => Description.TrainingScores.Count;

        /// <summary>
        /// The first autoencoder's training history, one entry per epoch (with robust training, those of the second phase,
        /// which continued from the first); <see cref="TrainingHistories"/> has every member's.
        /// </summary>
        public IReadOnlyList<EpochSummary> TrainingHistory => _model.Autoencoder.TrainingHistory;

        /// <summary>The training history of each autoencoder of the ensemble, in member order.</summary>
        public IReadOnlyList<IReadOnlyList<EpochSummary>> TrainingHistories => _model.Members.Select(member => member.TrainingHistory).ToArray();

        /// <summary>
        /// The side of the window the error of image features is measured over (<see cref="AutoencoderAnomalyTrainer.Options.ErrorWindowSize"/>);
        /// 1 when the error is measured feature by feature (features that are not an image, or a window of 1).
        /// </summary>
        public int ErrorWindowSize => Description.ErrorWindow?.Size ?? 1;

        /// <summary>The number of autoencoders whose scores are averaged (<see cref="AutoencoderAnomalyTrainer.Options.EnsembleSize"/>).</summary>
        public int EnsembleSize => _model.Members.Count;

        /// <summary>The autoencoder's latent dimension.</summary>
        public int LatentDimension => _model.LatentDimension;

        /// <summary>Always <see langword="true"/>: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        internal AnomalyDetectorModel Model => _model;

        /// <summary>
        /// Returns a detector that shares this one's autoencoder, standardization and explanation but flags scores above
        /// <paramref name="threshold"/> (its <see cref="ThresholdMethod"/> is <see cref="AnomalyThresholdMethod.Explicit"/>).
        /// Dispose it too: the network is freed once every detector sharing it is disposed.
        /// </summary>
        /// <param name="threshold">The new threshold score; finite.</param>
        /// <returns>The new detector.</returns>
        public AutoencoderAnomalyTransformer WithThreshold(float threshold)
        {
            if (!float.IsFinite(threshold))
                throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a finite score.");
            _lease.Hold();
            return new AutoencoderAnomalyTransformer(_model.WithThreshold(AnomalyThresholdFit.Explicit(threshold)), _lease);
        }

        /// <summary>
        /// Returns a detector that shares this one's autoencoder but with a threshold fitted by <paramref name="method"/> on
        /// the scores of <paramref name="data"/>'s rows (for example the training rows again, to try another rule without
        /// training again, or held-out rows believed to be like the training rows). The normalized score keeps the training
        /// statistics. Dispose it too. The rows are streamed in one pass (memory holds a batch of rows and one score per
        /// row), so <paramref name="data"/> may be larger than memory.
        /// </summary>
        /// <param name="data">The rows to fit the threshold on: the feature column as in training.</param>
        /// <param name="method">The threshold method.</param>
        /// <param name="contamination">With <see cref="AnomalyThresholdMethod.Contamination"/>: the expected share of anomalies, in (0, 0.5].</param>
        /// <param name="deviationMultiplier">With <see cref="AnomalyThresholdMethod.MedianAbsoluteDeviation"/>: k, positive.</param>
        /// <returns>The new detector.</returns>
        /// <exception cref="ArgumentException"><paramref name="method"/> is <see cref="AnomalyThresholdMethod.Explicit"/> (use <see cref="WithThreshold(float)"/>).</exception>
        /// <exception cref="InvalidOperationException">The data is empty, or a row has a NaN or infinite value (the row is named).</exception>
        public AutoencoderAnomalyTransformer WithThreshold(IDataView data, AnomalyThresholdMethod method,
            double contamination = AutoencoderAnomalyTrainer.Defaults.Contamination, double deviationMultiplier = AutoencoderAnomalyTrainer.Defaults.DeviationMultiplier)
        {
            if (data is null)
                throw new ArgumentNullException(nameof(data));
            if (!Enum.IsDefined(method))
                throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown threshold method.");
            if (method == AnomalyThresholdMethod.Explicit)
                throw new ArgumentException("An explicit threshold is not fitted on data: use WithThreshold(float).", nameof(method));
            if (!(contamination > 0 && contamination <= 0.5))
                throw new ArgumentOutOfRangeException(nameof(contamination), contamination, "The contamination (the expected share of anomalies) must be in (0, 0.5].");
            if (!(deviationMultiplier > 0 && double.IsFinite(deviationMultiplier)))
                throw new ArgumentOutOfRangeException(nameof(deviationMultiplier), deviationMultiplier, "The deviation multiplier must be positive and finite.");
            GetOutputSchema(data.Schema);
            var scores = StreamScores(new StreamingRows(data, FeatureColumnName, FeatureCount, requireUnitInterval: false, "data to fit the threshold on"));
            var threshold = AnomalyThresholdFit.Fit(method, scores, contamination, deviationMultiplier, float.NaN);
            _lease.Hold();
            return new AutoencoderAnomalyTransformer(_model.WithThreshold(threshold), _lease);
        }

        /// <summary>Returns the schema of <see cref="Transform"/>'s output: the input columns plus the output columns.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, is not a known-size vector of floats, or has another size than in training.</exception>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            int size = SchemaValidation.CheckInputColumn(inputSchema, FeatureColumnName, "input data");
            if (size != FeatureCount)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{FeatureColumnName}' has {size} values, but the detector was trained on {FeatureCount}.");
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(inputSchema);
            foreach (var (name, type, kind) in Description.OutputColumns())
            {
                if (kind == AnomalyOutputKind.FeatureContributions && Description.SlotNames is IReadOnlyList<string> names)
                {
                    var annotations = new DataViewSchema.Annotations.Builder();
                    annotations.AddSlotNames(names.Count, (ref VBuffer<ReadOnlyMemory<char>> value) =>
                    {
                        var editor = VBufferEditor.Create(ref value, names.Count);
                        for (int i = 0; i < names.Count; i++)
                            editor.Values[i] = names[i].AsMemory();
                        value = editor.Commit();
                    });
                    builder.AddColumn(name, type, annotations.ToAnnotations());
                }
                else
                {
                    builder.AddColumn(name, type);
                }
            }
            return builder.ToSchema();
        }

        /// <summary>Adds the output columns to <paramref name="input"/>, lazily, batch by batch.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, is not a known-size vector of floats, or has another size than in training.</exception>
        /// <remarks>Reading the outputs of a row with a NaN or infinite value, or of the wrong length, throws an <see cref="InvalidOperationException"/> naming the row.</remarks>
        public IDataView Transform(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            return new AnomalyDataView(_model, input, GetOutputSchema(input.Schema));
        }

        /// <summary>
        /// Returns a mapper of single rows, as <c>PredictionEngine</c> uses. Each call counts as one more user of the
        /// network, released by one more <see cref="Dispose"/>.
        /// </summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            var mapper = new BatchedRowMapper<AnomalyBatch>(AnomalyBatch.Scorer(_model), inputSchema, GetOutputSchema(inputSchema));
            _lease.Hold();
            return mapper;
        }

        /// <summary>Scores rows given as one flat array, row after row (the same scores as the score column).</summary>
        /// <param name="rows">Rows of <see cref="FeatureCount"/> raw values, one after the other.</param>
        /// <returns>One score per row.</returns>
        /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureCount"/>, or a value is NaN or infinite (the row is named).</exception>
        public float[] GetScores(float[] rows)
        {
            if (rows is null)
                throw new ArgumentNullException(nameof(rows));
            int d = FeatureCount;
            if (rows.Length % d != 0)
                throw new ArgumentException($"The array's length {rows.Length} is not a multiple of the feature count {d}.", nameof(rows));
            int count = rows.Length / d;
            var scores = new float[count];
            using var batch = new AnomalyBatch(_model, Math.Max(1, Math.Min(count, AutoencoderModel.BatchSize)), _ => false, "rows");
            for (int start = 0; start < count; start += batch.Capacity)
            {
                int n = Math.Min(batch.Capacity, count - start);
                for (int i = 0; i < n; i++)
                {
                    try
                    {
                        batch.SetInput(i, rows.AsSpan((start + i) * d, d), start + i);
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw new ArgumentException(ex.Message, nameof(rows), ex);
                    }
                }
                batch.Compute(n);
                batch.Outputs.Scores.AsSpan(0, n).CopyTo(scores.AsSpan(start, n));
            }
            return scores;
        }

        /// <summary>
        /// The scores of every row of <paramref name="rows"/>, read in one streamed pass (<see cref="StreamingRows"/>): memory
        /// holds one batch of rows and the scores (4 bytes a row), not the rows.
        /// </summary>
        private float[] StreamScores(StreamingRows rows)
        {
            int d = FeatureCount;
            var scores = new List<float>();
            var buffer = new float[AutoencoderModel.BatchSize * d];
            using var stream = rows.Open(shuffle: null, bufferRows: 0);
            using var batch = new AnomalyBatch(_model, AutoencoderModel.BatchSize, _ => false, rows.DataName);
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                for (int i = 0; i < n; i++)
                    batch.SetInput(i, buffer.AsSpan(i * d, d), scores.Count + i);
                batch.Compute(n);
                scores.AddRange(batch.Outputs.Scores.AsSpan(0, n));
            }
            if (scores.Count == 0)
                throw new InvalidOperationException($"The {rows.DataName} has no rows in column '{rows.ColumnName}'.");
            return scores.ToArray();
        }

        /// <summary>Scores rows given one array per row.</summary>
        /// <param name="rows">Rows of <see cref="FeatureCount"/> raw values each.</param>
        /// <returns>One score per row.</returns>
        public float[] GetScores(float[][] rows)
        {
            if (rows is null)
                throw new ArgumentNullException(nameof(rows));
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i] is null || rows[i].Length != FeatureCount)
                    throw new ArgumentException($"Row {i} has {rows[i]?.Length ?? 0} values; {FeatureCount} were expected.", nameof(rows));
            }
            return GetScores(rows.SelectMany(row => row).ToArray());
        }

        /// <summary>
        /// Writes the detector for <c>mlContext.Model.Save</c>; <c>mlContext.Model.Load</c> reads it back in any process that
        /// references this library (format: <c>AnomalyDetection/AnomalyDetectorSerializer.cs</c>).
        /// </summary>
        void ICanSaveModel.Save(ModelSaveContext ctx) => AnomalyDetectorSerializer.Save(ctx, _model);

        /// <summary>
        /// Releases one hold on the autoencoder's network: the detector's own, that of a detector made by
        /// <see cref="WithThreshold(float)"/>, or that of a <c>PredictionEngine</c>. The last release frees it.
        /// </summary>
        public void Dispose() => _lease.Release();
    }
}
