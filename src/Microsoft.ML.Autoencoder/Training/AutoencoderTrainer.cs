using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// The training loop shared by every architecture and variant: reads the data once into one tensor, or streams it
    /// from a fresh cursor every epoch (<see cref="TrainingDataMode"/>, <see cref="TrainingRows"/>), then runs shuffled
    /// mini-batches per epoch until the epoch limit or convergence, with optional validation, early stopping and
    /// restoring of the best weights. The loss of a batch comes from
    /// <see cref="TrainingObjective"/>; warm start copies an initial model's weights and may freeze its encoder.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Randomness: the initial weights and the dropout masks come from one generator seeded with the seed,
    /// shuffling from another, the variants' noise from a third (<see cref="TrainingObjective"/>): none from torch's
    /// process-wide generator, so a seeded training gives the same model whatever else the process runs, and
    /// trainings run concurrently. (The first two generators start from the seed as torch's global generator did
    /// after <c>torch.manual_seed(seed)</c> in earlier versions, and are drawn from in the same order, so seeded
    /// trainings give the models they gave then.)
    /// </para>
    /// <para>
    /// Nothing silently broken is returned. A lone last row is trained with the batch before it when the network
    /// normalizes batches (<see cref="AutoencoderNetwork.MinimumRowsPerBatch"/>). After each epoch, training stops with
    /// an <see cref="InvalidOperationException"/> when the loss is not finite, when a parameter or buffer is not finite,
    /// or when the validation loss is not finite. At the end, it stops when the network's outputs on the first training
    /// rows are not finite, or when the network has diverged with a finite loss: when it reconstructs the training rows
    /// more than <see cref="TrainingChecks.DivergenceFactor"/> times worse than <see cref="TrainingChecks.ReferenceLoss"/> (the network before
    /// training, or a constant output, whichever is worse).
    /// </para>
    /// <para>
    /// Streaming changes where rows come from, nothing else: the same batches (a lone last row joins the one before, found
    /// by reading a few rows ahead), the same checks, measured on the first 4096 training rows instead of 4096 spread over
    /// the data (<see cref="TrainingRows.ReferenceRows"/>); a bad row is reported when it is first read, with its index.
    /// </para>
    /// </remarks>
    internal sealed class AutoencoderTrainer
    {
        private readonly IHost _host;
        private readonly AutoencoderEstimator.Options _options;
        private readonly int _inputSize;

        public AutoencoderTrainer(IHost host, AutoencoderEstimator.Options options, int inputSize)
        {
            _host = host;
            _options = options;
            _inputSize = inputSize;
        }

        public (AutoencoderNetwork Network, IReadOnlyList<EpochSummary> History) Train(IDataView input)
        {
            using var channel = _host.Start("Training");
            var options = _options;
            int seed = options.Seed ?? _host.Rand.Next();

            var readTime = Stopwatch.StartNew();
            bool requireUnitInterval = options.Loss == ReconstructionLoss.BinaryCrossEntropy;
            var plan = PlanData(input, seed, requireUnitInterval);
            if (plan.Train is FeatureMatrix train)
                channel.Info($"Read {train.RowCount} training rows{(plan.Validation is null ? "" : $" and {plan.Validation.RowCount} validation rows")} of {_inputSize} values in {readTime.Elapsed.TotalSeconds:F3} s.");

            int? restoreThreads = null;
            if (options.NumberOfThreads is int threads)
            {
                torch.set_num_threads(threads);
            }
            else if (DefaultTrainingThreads(torch.get_num_threads()) is int capped && capped != torch.get_num_threads())
            {
                restoreThreads = torch.get_num_threads();
                torch.set_num_threads(capped);
                channel.Info($"Training on {capped} libtorch thread(s) ({Environment.ProcessorCount} processors, one left free; NumberOfThreads chooses).");
            }

            if (options.TuneNativeAllocator)
                NativeAllocatorTuning.Apply(channel);

            var network = options.Architecture.CreateNetwork(_inputSize, options.LatentDimension, options.OutputActivation, isVariational: options.Variational is not null);
            try
            {
                using var generator = new Generator((ulong)seed);
                network.InitializeParameters(generator);
                var device = DeviceSelection.Choose(_host, channel);
                network.to(device);
                if (options.InitialModel is AutoencoderTransformer initialModel)
                {
                    initialModel.Model.CopyWeightsTo(network);
                    channel.Info("Started from the initial model's weights.");
                }
                if (options.FreezeEncoder)
                {
                    foreach (var parameter in network.Encoder.parameters())
                        parameter.requires_grad = false;
                }
                List<EpochSummary> history;
                network.SetDropoutGenerator(generator);
                try
                {
                    history = RunEpochs(channel, network, plan, seed, device);
                }
                finally
                {
                    network.SetDropoutGenerator(null);
                }
                network.eval();
                return (network, history);
            }
            catch
            {
                network.Dispose();
                throw;
            }
            finally
            {
                if (restoreThreads is int previous)
                    torch.set_num_threads(previous);
                plan.Train?.Dispose(); // nothing when training moved the rows into its tensors
                plan.Validation?.Dispose();
            }
        }

        /// <summary>
        /// The thread count training uses when <see cref="AutoencoderEstimator.Options.NumberOfThreads"/> is not set:
        /// libtorch's current setting, at most one fewer than the processors available, at least one.
        /// </summary>
        internal static int DefaultTrainingThreads(int libTorchThreads) => Math.Max(1, Math.Min(libTorchThreads, Environment.ProcessorCount - 1));

        /// <summary>
        /// How the training data is read (<see cref="AutoencoderEstimator.Options.DataMode"/>): the rows read into memory, or
        /// the streams to read every epoch; and why, for the log.
        /// </summary>
        private sealed record DataPlan(FeatureMatrix? Train, FeatureMatrix? Validation, StreamingRows? TrainStream, StreamingRows? ValidationStream, string Reason);

        private DataPlan PlanData(IDataView input, int seed, bool requireUnitInterval)
        {
            var options = _options;
            string column = options.InputColumnName;
            var validationData = options.ValidationData;
            switch (options.DataMode)
            {
                case TrainingDataMode.InMemory:
                    return InMemory(FeatureMatrix.Read(input, column, _inputSize, requireUnitInterval, "training data"),
                        validationData is null ? null : FeatureMatrix.Read(validationData, column, _inputSize, requireUnitInterval, "validation data"), seed, "DataMode is InMemory");
                case TrainingDataMode.Streaming:
                    return Streaming(input, seed, requireUnitInterval, "DataMode is Streaming");
            }

            // Auto: by the row counts the sources report, else by reading until the budget is exceeded.
            long rowBytes = (long)_inputSize * sizeof(float);
            long budget = Math.Min(options.InMemoryBudgetBytes, (long)Array.MaxLength * sizeof(float));
            string budgetText = $"the in-memory budget of {Size(options.InMemoryBudgetBytes)}";
            long? trainRows = input.GetRowCount();
            long? validationRows = validationData is null ? 0 : validationData.GetRowCount();
            if (trainRows is long t && validationRows is long v)
            {
                double bytes = (double)(t + v) * rowBytes;
                string size = $"{t + v} rows of {_inputSize} values as the source reports, {Size(bytes)}";
                if (bytes > budget)
                    return Streaming(input, seed, requireUnitInterval, $"{size}: more than {budgetText}");
                return InMemory(FeatureMatrix.Read(input, column, _inputSize, requireUnitInterval, "training data"),
                    validationData is null ? null : FeatureMatrix.Read(validationData, column, _inputSize, requireUnitInterval, "validation data"), seed, $"{size}: within {budgetText}");
            }
            var train = FeatureMatrix.ReadWithin(input, column, _inputSize, requireUnitInterval, "training data", budget);
            FeatureMatrix? validation = null;
            if (train is not null && validationData is not null)
                validation = FeatureMatrix.ReadWithin(validationData, column, _inputSize, requireUnitInterval, "validation data", budget - train.RowCount * rowBytes);
            if (train is null || validationData is not null && validation is null)
                return Streaming(input, seed, requireUnitInterval, $"the source does not report its row count, and reading it into memory went beyond {budgetText}");
            long read = train.RowCount + (validation?.RowCount ?? 0);
            return InMemory(train, validation, seed, $"{read} rows of {_inputSize} values, {Size(read * rowBytes)}: within {budgetText}");
        }

        /// <summary>The rows read into memory, split for validation with <see cref="AutoencoderEstimator.Options.ValidationFraction"/>.</summary>
        private DataPlan InMemory(FeatureMatrix all, FeatureMatrix? validation, int seed, string reason)
        {
            if (validation is not null || _options.ValidationData is not null || _options.ValidationFraction == 0)
                return new DataPlan(all, validation, null, null, reason);

            int validationRows = (int)Math.Round(all.RowCount * (double)_options.ValidationFraction);
            if (validationRows == 0 || validationRows == all.RowCount)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.ValidationFraction), _options.ValidationFraction,
                    $"A validation fraction of {_options.ValidationFraction} of {all.RowCount} rows leaves no rows for {(validationRows == 0 ? "validation" : "training")}.");
            var order = Enumerable.Range(0, all.RowCount).ToArray();
            new Random(seed).Shuffle(order);
            using (all)
                return new DataPlan(all.SelectRows(order[validationRows..]), all.SelectRows(order[..validationRows]), null, null, reason);
        }

        /// <summary>The streams of the training and validation rows; a validation fraction splits the rows by a seeded hash of their ids.</summary>
        private DataPlan Streaming(IDataView input, int seed, bool requireUnitInterval, string reason)
        {
            string column = _options.InputColumnName;
            if (_options.ValidationData is IDataView validationData)
            {
                return new DataPlan(null, null, new StreamingRows(input, column, _inputSize, requireUnitInterval, "training data"),
                    new StreamingRows(validationData, column, _inputSize, requireUnitInterval, "validation data"), reason);
            }
            if (_options.ValidationFraction == 0)
                return new DataPlan(null, null, new StreamingRows(input, column, _inputSize, requireUnitInterval, "training data"), null, reason);
            double fraction = _options.ValidationFraction;
            return new DataPlan(null, null,
                new StreamingRows(input, column, _inputSize, requireUnitInterval, "training data", new RowHoldout(seed, fraction, HeldOut: false)),
                new StreamingRows(input, column, _inputSize, requireUnitInterval, "validation data", new RowHoldout(seed, fraction, HeldOut: true)), reason);
        }

        private static string Size(double bytes)
            => bytes >= 1 << 30 ? $"{bytes / (1 << 30):F1} GiB" : $"{bytes / (1 << 20):F1} MiB";

        private List<EpochSummary> RunEpochs(IChannel channel, AutoencoderNetwork network, DataPlan plan, int seed, Device device)
        {
            var options = _options;
            var history = new List<EpochSummary>();
            int minimumRows = plan.Train is FeatureMatrix matrix ? MinimumBatchRows(channel, network, matrix.RowCount) : MinimumBatchRows(network);
            using TrainingRows data = plan.Train is FeatureMatrix train
                ? new InMemoryTrainingRows(train, plan.Validation, device, options.Shuffle, seed, options.BatchSize, minimumRows, plan.Reason)
                : new StreamingTrainingRows(plan.TrainStream!, plan.ValidationStream, device, options.Shuffle, seed, options.ShuffleBufferRows, options.BatchSize, minimumRows, options.OverlapReading, plan.Reason);
            channel.Info($"Training data: {data.Description}.");
            using var objective = new TrainingObjective(options, seed);
            int warmupEpochs = options.Variational?.KullbackLeiblerWarmupEpochs ?? 0;
            var checks = new TrainingChecks(options.Loss);
            double referenceLoss = checks.ReferenceLoss(network, data.ReferenceRows);
            var optimizer = Optimization.CreateOptimizer(options, network);
            Dictionary<string, Tensor>? bestWeights = null;
            try
            {
                var scheduler = Optimization.CreateScheduler(options, optimizer);
                double bestLoss = double.PositiveInfinity;
                int epochsWithoutImprovement = 0;
                for (int epoch = 1; epoch <= options.MaximumNumberOfEpochs; epoch++)
                {
                    Cancellation.ThrowIfCancelled(_host);
                    var epochTime = Stopwatch.StartNew();
                    double learningRate = optimizer.ParamGroups.First().LearningRate;
                    network.train();
                    if (options.FreezeEncoder)
                        network.Encoder.eval();
                    double lossSum = 0;
                    double? regularizationSum = null;
                    double? divergenceSum = null;
                    long rows;
                    // The epoch's buffers are allocated before the no-GC region is entered, so they do not use up its budget.
                    using (var batches = data.StartEpoch())
                    using (SharedBatchRegion.Join())
                    {
                        while (true)
                        {
                            Cancellation.ThrowIfCancelled(_host);
                            using var batchRegion = SharedBatchRegion.EnterBatch();
                            using var scope = torch.NewDisposeScope();
                            var batch = batches.Next();
                            if (batch is null)
                                break;
                            long count = batch.shape[0];
                            var terms = objective.Compute(network, batch, epoch);
                            optimizer.zero_grad();
                            terms.Loss.backward();
                            optimizer.step();
                            lossSum += terms.Loss.item<float>() * count;
                            if (terms.Regularization is not null)
                                regularizationSum = (regularizationSum ?? 0) + terms.Regularization.item<float>() * count;
                            if (terms.KullbackLeibler is not null)
                                divergenceSum = (divergenceSum ?? 0) + terms.KullbackLeibler.item<float>() * count;
                        }
                        rows = batches.RowCount;
                    }
                    double trainingSeconds = epochTime.Elapsed.TotalSeconds;
                    if (epoch == 1 && data is StreamingTrainingRows { LastBatchMerged: true })
                        LogMergedLastBatch(channel, rows);
                    double trainingLoss = lossSum / rows;
                    if (!double.IsFinite(trainingLoss))
                        throw new InvalidOperationException($"Training diverged: the training loss of epoch {epoch} is {trainingLoss}. Lower the learning rate (now {learningRate:G3}), or check the input's scale.");
                    if (TrainingChecks.FirstNonFiniteState(network) is string state)
                        throw new InvalidOperationException($"Training diverged: after epoch {epoch} the network's '{state}' holds NaN or infinite values, although the training loss is {trainingLoss:G4}. Lower the learning rate (now {learningRate:G3}), or check the input's scale.");

                    double? validationLoss = data.ValidationLoss(network, checks);
                    if (validationLoss is double loss && !double.IsFinite(loss))
                        throw new InvalidOperationException($"The validation loss of epoch {epoch} is {loss}, although the training loss is {trainingLoss:G4}: the network's outputs on the validation rows, or their errors, are not finite. Check that the validation data has the training data's scale, or lower the learning rate (now {learningRate:G3}).");
                    scheduler?.step();
                    var summary = new EpochSummary(epoch, trainingLoss, validationLoss, learningRate, epochTime.Elapsed.TotalSeconds,
                        regularizationSum / rows, divergenceSum / rows);
                    history.Add(summary);
                    channel.Info($"{summary}; {rows} training rows at {rows / trainingSeconds:F0} rows/s");

                    // The KL weight still changes during a warm-up, so its losses are not comparable: convergence
                    // and the best weights are tracked from the first epoch at full weight.
                    if (epoch <= warmupEpochs)
                        continue;

                    double monitored = validationLoss ?? trainingLoss;
                    if (monitored < bestLoss * (1 - options.ConvergenceTolerance) || double.IsPositiveInfinity(bestLoss))
                        epochsWithoutImprovement = 0;
                    else
                        epochsWithoutImprovement++;
                    if (monitored < bestLoss)
                    {
                        bestLoss = monitored;
                        if (data.HasValidation)
                            bestWeights = Snapshot(network, bestWeights);
                    }
                    if (options.EarlyStopping && epochsWithoutImprovement >= options.Patience)
                    {
                        channel.Info($"Stopped after epoch {epoch}: the {(validationLoss is null ? "training" : "validation")} loss improved by less than {options.ConvergenceTolerance:G3} (relative) for {options.Patience} epochs.");
                        break;
                    }
                }
                Cancellation.ThrowIfCancelled(_host); // a cancellation during the last epoch
                if (bestWeights is not null && history[^1].ValidationLoss > bestLoss)
                {
                    int bestEpoch = history.First(h => h.ValidationLoss == bestLoss).Epoch;
                    channel.Info($"Restored the weights of epoch {bestEpoch}, whose validation loss {bestLoss:G6} was the lowest.");
                    Restore(network, bestWeights);
                }
                TrainingChecks.CheckOutputsAreFinite(network, data.FirstRows);
                double finalLoss = checks.Evaluate(network, data.ReferenceRows);
                if (!(finalLoss <= TrainingChecks.DivergenceFactor * referenceLoss))
                    throw new InvalidOperationException($"Training diverged: after {history.Count} epochs the network reconstructs the training rows with a loss of {finalLoss:G4}, {finalLoss / referenceLoss:G3} times {referenceLoss:G4}, the larger of the untrained network's loss and a constant output's (more than {TrainingChecks.DivergenceFactor} times is divergence). Lower the learning rate (now {optimizer.ParamGroups.First().LearningRate:G3}), or check the input's scale.");
                return history;
            }
            finally
            {
                optimizer.Dispose();
                if (bestWeights is not null)
                {
                    foreach (var tensor in bestWeights.Values)
                        tensor.Dispose();
                }
            }
        }

        /// <summary>Why batch normalization needs batches of several rows, for messages.</summary>
        internal const string BatchNormalizationReason = "batch normalization cannot estimate a variance from a single value per channel (it would make every output NaN)";

        /// <summary>
        /// The fewest rows a mini-batch may hold (<see cref="AutoencoderNetwork.MinimumRowsPerBatch"/>); throws when the batch
        /// size is smaller. (Streamed rows are counted as they arrive: the other checks come with the first epoch.)
        /// </summary>
        private int MinimumBatchRows(AutoencoderNetwork network)
        {
            int minimum = network.MinimumRowsPerBatch;
            if (minimum > 1 && _options.BatchSize < minimum)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.BatchSize), _options.BatchSize, $"The batch size must be at least {minimum} for this architecture: {BatchNormalizationReason}.");
            return minimum;
        }

        /// <summary>
        /// The fewest rows a mini-batch may hold (<see cref="AutoencoderNetwork.MinimumRowsPerBatch"/>); says once when the
        /// last batch would hold fewer, so that those rows join the batch before it. Throws when no batch can hold enough.
        /// </summary>
        private int MinimumBatchRows(IChannel channel, AutoencoderNetwork network, long rows)
        {
            int minimum = MinimumBatchRows(network);
            if (minimum == 1)
                return 1;
            if (rows < minimum)
                throw new InvalidOperationException($"The training data has {rows} row{(rows == 1 ? "" : "s")}, but this architecture trains on batches of at least {minimum}: {BatchNormalizationReason}.");
            long last = rows % _options.BatchSize;
            if (last > 0 && last < minimum)
                LogMergedLastBatch(channel, rows);
            return minimum;
        }

        private void LogMergedLastBatch(IChannel channel, long rows)
        {
            long last = rows % _options.BatchSize;
            channel.Info($"The last mini-batch of each epoch would hold {last} row{(last == 1 ? "" : "s")} ({rows} training rows, batch size {_options.BatchSize}), too few for batch normalization: {(last == 1 ? "it is" : "they are")} trained with the batch before, of {_options.BatchSize + last} rows.");
        }

        private static Dictionary<string, Tensor> Snapshot(AutoencoderNetwork network, Dictionary<string, Tensor>? previous)
        {
            if (previous is not null)
            {
                foreach (var tensor in previous.Values)
                    tensor.Dispose();
            }
            using (torch.no_grad())
            {
                // A clone made without gradient recording is already detached (no intermediate tensor to free).
                return network.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.clone());
            }
        }

        private static void Restore(AutoencoderNetwork network, Dictionary<string, Tensor> weights)
        {
            using (torch.no_grad())
            {
                foreach (var (name, tensor) in network.state_dict())
                    tensor.copy_(weights[name]);
            }
        }
    }
}
