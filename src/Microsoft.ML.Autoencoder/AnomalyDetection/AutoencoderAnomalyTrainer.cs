using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.AnomalyDetection;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Trains an anomaly detector that scores each row by how badly an autoencoder, trained on (mostly) normal rows,
    /// reconstructs it; <c>mlContext.AnomalyDetection.Trainers.Autoencoder(...)</c> creates it, where ML.NET's
    /// <c>RandomizedPca</c> sits. It yields an <see cref="AutoencoderAnomalyTransformer"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Input: a known-size vector of <see cref="float"/> (as <c>RandomizedPca</c> takes), raw: the detector standardizes
    /// each feature with the training mean and standard deviation (<see cref="Options.Standardize"/>). NaN or infinite
    /// values are refused, naming the row.
    /// </para>
    /// <para>
    /// Output: <c>Score</c> (Single, higher is more anomalous: the mean squared reconstruction error by default, see
    /// <see cref="AnomalyScoreKind"/>) and <c>PredictedLabel</c> (Boolean), ML.NET's anomaly convention, so that
    /// <c>mlContext.AnomalyDetection.Evaluate</c> reads them; optionally a normalized score in [0, 1] and an explanation
    /// (each feature's share of the error, the top contributors). The threshold is fitted on the training scores, from an
    /// expected contamination, given explicitly, or found automatically (<see cref="AnomalyThresholdMethod"/>); it is logged
    /// and shown on the model. See docs/anomaly-detection.md and <c>samples/Microsoft.ML.Autoencoder.Samples</c> (<c>detect</c>).
    /// </para>
    /// <para>
    /// Memory: the training rows are read into memory when they fit the autoencoder options' budget
    /// (<see cref="AutoencoderEstimator.Options.DataMode"/>, <see cref="AutoencoderEstimator.Options.InMemoryBudgetBytes"/>);
    /// otherwise every step streams them (docs/scaling.md), keeping one score per row.
    /// </para>
    /// </remarks>
    public sealed partial class AutoencoderAnomalyTrainer : IEstimator<AutoencoderAnomalyTransformer>
    {
        private readonly IHost _host;
        private readonly Options _options;

        internal AutoencoderAnomalyTrainer(IHostEnvironment environment, Options options)
        {
            if (environment is null)
                throw new ArgumentNullException(nameof(environment));
            if (options is null)
                throw new ArgumentNullException(nameof(options));
            options.Validate();
            _host = environment.Register(nameof(AutoencoderAnomalyTrainer));
            _options = options.Clone();
        }

        /// <summary>Trains the autoencoder on the feature column of <paramref name="input"/> and fits the threshold on the training scores.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a known-size vector of floats, or the top-contributor count exceeds the feature count.</exception>
        /// <exception cref="ArgumentException">Top-contributor names are asked for, but the feature column has no slot names.</exception>
        /// <exception cref="InvalidOperationException">The data is empty or has a NaN or infinite value (the row is named), or training diverged.</exception>
        public AutoencoderAnomalyTransformer Fit(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            var options = _options;
            string column = options.FeatureColumnName;
            int featureCount = SchemaValidation.CheckInputColumn(input.Schema, column, "training data");
            var columnType = (VectorDataViewType)input.Schema[column].Type;
            if (options.TopContributorCount > featureCount && (options.TopContributorsColumnName ?? options.TopContributorNamesColumnName) is not null)
                throw new ArgumentOutOfRangeException(nameof(Options.TopContributorCount), options.TopContributorCount,
                    $"The explanation cannot name {options.TopContributorCount} top contributors: feature column '{column}' has {featureCount} features.");
            var slotNames = SlotNames(input.Schema[column], featureCount);
            if (options.TopContributorNamesColumnName is not null && slotNames is null)
                throw new ArgumentException($"Feature column '{column}' has no slot names to name the top contributors with: set TopContributorNamesColumnName to null (the indices are in TopContributorsColumnName), or give the column slot names.",
                    nameof(Options.TopContributorNamesColumnName));
            if (featureCount < 2)
                throw new ArgumentOutOfRangeException(nameof(input), $"Feature column '{column}' has {featureCount} value; an autoencoder needs at least 2.");
            int latentDimension = options.LatentDimension ?? Defaults.LatentDimensionFor(featureCount);
            var errorWindow = options.ErrorWindowFor(featureCount);

            using var channel = _host.Start("Training the anomaly detector");
            var (raw, reason) = ReadIfItFits(input, column, featureCount);
            if (raw is null)
            {
                channel.Info($"Streaming the training rows ({reason}).");
                return FitStreaming(channel, input, options, featureCount, latentDimension, columnType, slotNames, errorWindow);
            }
            Standardization? standardization;
            float[] rows;
            using (raw)
            {
                standardization = options.Standardize ? Standardization.Fit(raw.Values, raw.RowCount, featureCount) : null;
                rows = raw.Values.ToArray();
            }
            if (standardization is not null)
            {
                for (int i = 0; i < raw.RowCount; i++)
                    standardization.Apply(rows.AsSpan(i * featureCount, featureCount));
                int constant = standardization.Scale.Count(s => s == 1f);
                channel.Info($"Standardized {featureCount} features with the means and standard deviations of {raw.RowCount} training rows{(constant > 0 ? $" ({constant} constant or nearly constant: centred only)" : "")}.");
            }

            channel.Info(TrainingMessage(options, latentDimension, featureCount));
            var members = TrainMembers(channel, options, latentDimension, new MatrixDataView(rows, raw.RowCount, column, columnType), streaming: false, initial: null);
            var description = Describe(options, featureCount, standardization, slotNames, latentDimension, errorWindow);
            float[] scores = ScoreStandardized(new AnomalyDetectorModel(description, members), rows, raw.RowCount);

            if (options.RobustTrainingFraction > 0)
                (members, scores) = TrainRobustly(channel, options, members, description, rows, raw.RowCount, scores, columnType);

            return Finish(channel, options, description, members, scores);
        }

        /// <summary>Fits the threshold on the training scores and makes the detector.</summary>
        private static AutoencoderAnomalyTransformer Finish(IChannel channel, Options options, AnomalyDetectorDescription description, AutoencoderTransformer[] members, float[] scores)
        {
            var threshold = AnomalyThresholdFit.Fit(options.ThresholdMethod, scores, options.Contamination, options.DeviationMultiplier, options.ThresholdValue);
            description = description with { Threshold = threshold, TrainingScores = TrainingScoreSummary.Of(scores) };
            channel.Info($"Anomaly threshold {threshold.Value:G6} on the {options.ScoreKind} score{(members.Length > 1 ? $" (the mean of {members.Length} autoencoders')" : "")}: {threshold.Description}.");
            return new AutoencoderAnomalyTransformer(new AnomalyDetectorModel(description, members), new AnomalyDetectorLease(members));
        }

        private static string TrainingMessage(Options options, int latentDimension, int featureCount)
            => $"Training the autoencoder{(options.EnsembleSize == 1 ? "" : $" ensemble ({options.EnsembleSize} autoencoders, one seed each)")}: latent dimension {latentDimension}"
                + $"{(options.LatentDimension is null ? $" (chosen for {featureCount} features)" : "")}.";

        /// <summary>
        /// Trains the ensemble's autoencoders on <paramref name="data"/> one after the other, member m with the options'
        /// seed + m (or its own draw from the MLContext when no seed is set); from the weights of <paramref name="initial"/>'s
        /// member m when given (robust training's second phase). Frees the ones trained when a later one fails.
        /// </summary>
        private AutoencoderTransformer[] TrainMembers(IChannel channel, Options options, int latentDimension, IDataView data, bool streaming, IReadOnlyList<AutoencoderTransformer>? initial)
        {
            int count = initial?.Count ?? options.EnsembleSize;
            var members = new AutoencoderTransformer[count];
            try
            {
                for (int m = 0; m < count; m++)
                {
                    var memberOptions = options.AutoencoderOptionsFor(latentDimension);
                    if (memberOptions.Seed is int seed)
                        memberOptions.Seed = unchecked(seed + m);
                    if (streaming)
                        memberOptions.DataMode = TrainingDataMode.Streaming;
                    memberOptions.InitialModel = initial?[m];
                    if (count > 1)
                        channel.Info($"Autoencoder {m + 1} of {count}{(memberOptions.Seed is int memberSeed ? $" (seed {memberSeed})" : "")}.");
                    members[m] = new AutoencoderEstimator(_host, memberOptions).Fit(data);
                }
                return members;
            }
            catch
            {
                foreach (var member in members)
                    member?.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The training rows in memory when <see cref="AutoencoderEstimator.Options.DataMode"/> of the autoencoder's options
        /// says so, by the autoencoder's rule (<see cref="TrainingDataMode.Auto"/>: within its in-memory budget, by the row
        /// count the source reports or by reading until the budget is exceeded); <see langword="null"/> to stream them, and why.
        /// </summary>
        private (FeatureMatrix? Rows, string Reason) ReadIfItFits(IDataView input, string column, int featureCount)
        {
            var autoencoder = _options.Autoencoder;
            switch (autoencoder.DataMode)
            {
                case TrainingDataMode.InMemory:
                    return (FeatureMatrix.Read(input, column, featureCount, requireUnitInterval: false, "training data"), "DataMode is InMemory");
                case TrainingDataMode.Streaming:
                    return (null, "DataMode is Streaming");
            }
            long budget = Math.Min(autoencoder.InMemoryBudgetBytes, (long)Array.MaxLength * sizeof(float));
            if (input.GetRowCount() is long rows)
            {
                return (double)rows * featureCount * sizeof(float) <= budget
                    ? (FeatureMatrix.Read(input, column, featureCount, requireUnitInterval: false, "training data"), "within the in-memory budget")
                    : (null, $"{rows} rows of {featureCount} values, more than the in-memory budget of {autoencoder.InMemoryBudgetBytes} bytes");
            }
            var read = FeatureMatrix.ReadWithin(input, column, featureCount, requireUnitInterval: false, "training data", budget);
            return (read, read is null ? $"the source does not report its row count, and reading it went beyond the in-memory budget of {autoencoder.InMemoryBudgetBytes} bytes" : "within the in-memory budget");
        }

        /// <summary>
        /// <see cref="Fit"/> for training rows that are not held in memory: the standardization's statistics in two streamed
        /// passes, the autoencoder trained by streaming the rows standardized as they are read
        /// (<see cref="StandardizedDataView"/>), the training scores in one more pass (4 bytes a row are kept), robust
        /// training on the rows a mask by row index keeps. The same steps as in memory, in the same order.
        /// </summary>
        private AutoencoderAnomalyTransformer FitStreaming(IChannel channel, IDataView input, Options options, int featureCount, int latentDimension,
            VectorDataViewType columnType, IReadOnlyList<string>? slotNames, ErrorWindow? errorWindow)
        {
            string column = options.FeatureColumnName;
            Standardization? standardization = null;
            if (options.Standardize)
            {
                var (fitted, rowCount) = Standardization.Fit(new StreamingRows(input, column, featureCount, requireUnitInterval: false, "training data"));
                standardization = fitted;
                int constant = standardization.Scale.Count(s => s == 1f);
                channel.Info($"Standardized {featureCount} features with the means and standard deviations of {rowCount} training rows{(constant > 0 ? $" ({constant} constant or nearly constant: centred only)" : "")}.");
            }
            var standardized = new StandardizedDataView(input, column, standardization);
            channel.Info(TrainingMessage(options, latentDimension, featureCount));
            var members = TrainMembers(channel, options, latentDimension, standardized, streaming: true, initial: null);
            var description = Describe(options, featureCount, standardization, slotNames, latentDimension, errorWindow);
            float[] scores = ScoreStreamed(new AnomalyDetectorModel(description, members), standardized, column);

            int excluded = (int)Math.Round(scores.Length * options.RobustTrainingFraction);
            if (options.RobustTrainingFraction > 0 && excluded > 0 && excluded < scores.Length)
            {
                var keep = new System.Collections.BitArray(scores.Length);
                foreach (int i in Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => i).Take(scores.Length - excluded))
                    keep[i] = true;
                channel.Info($"Robust training: continuing on the {scores.Length - excluded} training rows with the lowest scores (the highest {excluded}, {options.RobustTrainingFraction:P0}, left out).");
                var refit = TrainMembers(channel, options, latentDimension, new StandardizedDataView(input, column, standardization, keep), streaming: true, initial: members);
                foreach (var member in members)
                    member.Dispose();
                members = refit;
                scores = ScoreStreamed(new AnomalyDetectorModel(description, members), standardized, column);
            }

            return Finish(channel, options, description, members, scores);
        }

        /// <summary>Scores the rows of <paramref name="standardized"/> (already standardized) in one streamed pass, in the source's order.</summary>
        private static float[] ScoreStreamed(AnomalyDetectorModel model, IDataView standardized, string column)
        {
            int d = model.FeatureCount;
            var scores = new List<float>();
            var rows = new StreamingRows(standardized, column, d, requireUnitInterval: false, "training data");
            using var stream = rows.Open(shuffle: null, bufferRows: 0);
            using var batch = new AnomalyBatch(model, AutoencoderModel.BatchSize, _ => false, "training data");
            int n;
            while ((n = stream.Read(batch.Input.AsSpan(batch.InputOffset, batch.Capacity * d))) > 0)
            {
                batch.Compute(n);
                scores.AddRange(batch.Outputs.Scores.AsSpan(0, n));
            }
            return scores.ToArray();
        }

        /// <summary>
        /// Robust training: leaves the training rows with the highest (ensemble) scores out, continues training each member
        /// from its trained weights on the rest (the same options, warm start), and scores every training row again with
        /// the new weights.
        /// </summary>
        private (AutoencoderTransformer[], float[]) TrainRobustly(IChannel channel, Options options, AutoencoderTransformer[] members, AnomalyDetectorDescription description,
            float[] rows, int rowCount, float[] scores, VectorDataViewType columnType)
        {
            int d = description.FeatureCount;
            int excluded = (int)Math.Round(rowCount * options.RobustTrainingFraction);
            if (excluded == 0 || excluded >= rowCount)
                return (members, scores);
            var keep = Enumerable.Range(0, rowCount).OrderBy(i => scores[i]).ThenBy(i => i).Take(rowCount - excluded).OrderBy(i => i).ToArray();
            var kept = new float[keep.Length * d];
            for (int i = 0; i < keep.Length; i++)
                rows.AsSpan(keep[i] * d, d).CopyTo(kept.AsSpan(i * d, d));
            channel.Info($"Robust training: continuing on the {keep.Length} training rows with the lowest scores (the highest {excluded}, {options.RobustTrainingFraction:P0}, left out).");
            var refit = TrainMembers(channel, options, members[0].LatentDimension, new MatrixDataView(kept, keep.Length, options.FeatureColumnName, columnType), streaming: false, initial: members);
            foreach (var member in members)
                member.Dispose();
            var refitScores = ScoreStandardized(new AnomalyDetectorModel(description, refit), rows, rowCount);
            return (refit, refitScores);
        }

        /// <summary>Scores rows that are already standardized (the training rows), without the detector's row checks.</summary>
        private static float[] ScoreStandardized(AnomalyDetectorModel model, float[] rows, int rowCount)
        {
            int d = model.FeatureCount;
            var scores = new float[rowCount];
            using var batch = new AnomalyBatch(model, Math.Min(rowCount, AutoencoderModel.BatchSize), _ => false, "training data");
            for (int start = 0; start < rowCount; start += batch.Capacity)
            {
                int n = Math.Min(batch.Capacity, rowCount - start);
                rows.AsSpan(start * d, n * d).CopyTo(batch.Input.AsSpan(batch.InputOffset, n * d));
                batch.Compute(n);
                batch.Outputs.Scores.AsSpan(0, n).CopyTo(scores.AsSpan(start, n));
            }
            return scores;
        }

        private static AnomalyDetectorDescription Describe(Options options, int featureCount, Standardization? standardization, IReadOnlyList<string>? slotNames,
            int latentDimension, ErrorWindow? errorWindow)
            => new AnomalyDetectorDescription
            {
                ErrorWindow = errorWindow,
                FeatureColumnName = options.FeatureColumnName,
                FeatureCount = featureCount,
                ScoreColumnName = options.ScoreColumnName,
                PredictedLabelColumnName = options.PredictedLabelColumnName,
                NormalizedScoreColumnName = options.NormalizedScoreColumnName,
                FeatureContributionsColumnName = options.FeatureContributionsColumnName,
                TopContributorsColumnName = options.TopContributorsColumnName,
                TopContributorNamesColumnName = options.TopContributorNamesColumnName,
                TopContributorCount = options.TopContributorCount,
                ScoreKind = options.ScoreKind,
                Beta = options.Autoencoder.Variational?.Beta ?? 0,
                Standardization = standardization,
                ScoreNormalization = options.ScoreNormalization,
                TrainingScores = new TrainingScoreSummary(0, 0, 0, 0, 0),
                Threshold = AnomalyThresholdFit.Explicit(float.PositiveInfinity),
                SlotNames = slotNames,
                ProbabilityDraws = options.ScoreKind == AnomalyScoreKind.ReconstructionProbability ? ProbabilityDraws(latentDimension) : null,
            };

        /// <summary>
        /// The fixed standard normal draws of the reconstruction probability: Box-Muller from a constant seed, so that the
        /// score of a row never changes (and the draws are saved with the model).
        /// </summary>
        private static float[] ProbabilityDraws(int latentDimension)
        {
            var random = new Random(20150701);
            var draws = new float[Defaults.ReconstructionProbabilitySamples * latentDimension];
            for (int i = 0; i < draws.Length; i++)
                draws[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            return draws;
        }

        private static IReadOnlyList<string>? SlotNames(DataViewSchema.Column column, int featureCount)
        {
            if (!column.HasSlotNames(featureCount))
                return null;
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.GetSlotNames(ref names);
            var dense = names.DenseValues().Select(name => name.ToString()).ToArray();
            return dense.All(name => name.Length == 0) ? null : dense;
        }

        /// <summary>The schema the trained detector will produce: the input columns plus its output columns.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or is not a known-size vector of floats.</exception>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            string name = _options.FeatureColumnName;
            if (!inputSchema.TryFindColumn(name, out var column))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{name}' not found.");
            if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{name}' must be a known-size vector of Single.");
            var columns = inputSchema.ToDictionary(c => c.Name);
            foreach (var (outputName, _, kind) in _options.OutputColumns())
            {
                columns[outputName] = kind switch
                {
                    AnomalyOutputKind.PredictedLabel => MLNetInternals.CreateColumn(outputName, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, isKey: false),
                    AnomalyOutputKind.Score or AnomalyOutputKind.NormalizedScore => MLNetInternals.CreateColumn(outputName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, isKey: false),
                    AnomalyOutputKind.FeatureContributions => MLNetInternals.CreateColumn(outputName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false,
                        column.Annotations.TryFindColumn(AnnotationUtils.Kinds.SlotNames, out var slotNames) ? new SchemaShape(new[] { slotNames }) : null),
                    AnomalyOutputKind.TopContributors => MLNetInternals.CreateColumn(outputName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Int32, isKey: false),
                    _ => MLNetInternals.CreateColumn(outputName, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, isKey: false),
                };
            }
            return new SchemaShape(columns.Values);
        }
    }
}
