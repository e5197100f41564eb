using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// The training loop shared by every architecture and variant: reads the data once into one tensor,
    /// then runs shuffled mini-batches per epoch until the epoch limit or convergence, with optional
    /// validation, early stopping and restoring of the best weights. The loss of a batch comes from
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
    /// more than <see cref="DivergenceFactor"/> times worse than <see cref="ReferenceLoss"/> (the network before
    /// training, or a constant output, whichever is worse).
    /// </para>
    /// </remarks>
    internal sealed class AutoencoderTrainer
    {
        /// <summary>Mini-batches, over all trainings in the process, between two garbage collections (see <see cref="SharedBatchRegion"/>).</summary>
        private const int BatchesPerCollection = 8;

        /// <summary>
        /// A trained network whose mean reconstruction loss on the training rows exceeds this many times
        /// <see cref="ReferenceLoss"/> has diverged. Measured: at most 1.0 for the trained networks of the test suite
        /// (samples included), at most 1.08 over trial runs of dense networks at learning rates from 1e-6 to 1 (Adam and
        /// SGD, with and without batch normalization, sigmoid and identity outputs, data scaled by 0.03 to 1, one to ten
        /// epochs); 2.3 to 3.5 for those that diverged at learning rates from 1 to 1e6 (the sigmoid output at
        /// <c>LearningRate = 1e6</c>: 2.9 to 3.0), 1.6e10 for binary cross-entropy at 1e3.
        /// </summary>
        internal const double DivergenceFactor = 1.5;

        /// <summary>The most training rows <see cref="ReferenceLoss"/> and the trained network's loss are measured on (spread evenly over the data).</summary>
        private const long ReferenceRowCount = 4096;

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
            var (train, validation) = ReadData(input, seed, requireUnitInterval);
            channel.Info($"Read {train.RowCount} training rows{(validation is null ? "" : $" and {validation.RowCount} validation rows")} of {_inputSize} values in {readTime.Elapsed.TotalSeconds:F3} s.");

            if (options.NumberOfThreads is int threads)
                torch.set_num_threads(threads);
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
                    initialModel.CopyWeightsTo(network);
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
                    history = RunEpochs(channel, network, train, validation, seed, device);
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
        }

        private (FeatureMatrix Train, FeatureMatrix? Validation) ReadData(IDataView input, int seed, bool requireUnitInterval)
        {
            string column = _options.InputColumnName;
            var all = FeatureMatrix.Read(input, column, _inputSize, requireUnitInterval, "training data");
            if (_options.ValidationData is IDataView validationData)
                return (all, FeatureMatrix.Read(validationData, column, _inputSize, requireUnitInterval, "validation data"));
            if (_options.ValidationFraction == 0)
                return (all, null);

            int validationRows = (int)Math.Round(all.RowCount * (double)_options.ValidationFraction);
            if (validationRows == 0 || validationRows == all.RowCount)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.ValidationFraction), _options.ValidationFraction,
                    $"A validation fraction of {_options.ValidationFraction} of {all.RowCount} rows leaves no rows for {(validationRows == 0 ? "validation" : "training")}.");
            var order = Enumerable.Range(0, all.RowCount).ToArray();
            new Random(seed).Shuffle(order);
            return (all.SelectRows(order[validationRows..]), all.SelectRows(order[..validationRows]));
        }

        private List<EpochSummary> RunEpochs(IChannel channel, AutoencoderNetwork network, FeatureMatrix train, FeatureMatrix? validation, int seed, Device device)
        {
            var options = _options;
            var history = new List<EpochSummary>();
            long rows = train.RowCount;
            long minimumRows = MinimumBatchRows(channel, network, rows);
            using var trainTensor = ToDevice(train.AsTensor(), device);
            using var validationTensor = validation is null ? null : ToDevice(validation.AsTensor(), device);
            using var shuffleGenerator = new Generator((ulong)seed);
            using var objective = new TrainingObjective(options, seed);
            int warmupEpochs = options.Variational?.KullbackLeiblerWarmupEpochs ?? 0;
            using var referenceRows = ReferenceRows(trainTensor);
            double referenceLoss = ReferenceLoss(network, referenceRows);
            var optimizer = CreateOptimizer(network);
            Dictionary<string, Tensor>? bestWeights = null;
            try
            {
                var scheduler = CreateScheduler(optimizer);
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
                    using (SharedBatchRegion.Join())
                    using (var order = ToDevice(options.Shuffle ? torch.randperm(rows, generator: shuffleGenerator) : torch.arange(rows), device))
                    {
                        long count;
                        for (long start = 0; start < rows; start += count)
                        {
                            Cancellation.ThrowIfCancelled(_host);
                            count = Math.Min(options.BatchSize, rows - start);
                            long rest = rows - start - count;
                            if (rest > 0 && rest < minimumRows)
                                count += rest; // too few rows left for a batch of their own: they join this one
                            using var batchRegion = SharedBatchRegion.EnterBatch();
                            using var scope = torch.NewDisposeScope();
                            var batch = trainTensor.index_select(0, order.narrow(0, start, count));
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
                    }
                    double trainingLoss = lossSum / rows;
                    if (!double.IsFinite(trainingLoss))
                        throw new InvalidOperationException($"Training diverged: the training loss of epoch {epoch} is {trainingLoss}. Lower the learning rate (now {learningRate:G3}), or check the input's scale.");
                    if (FirstNonFiniteState(network) is string state)
                        throw new InvalidOperationException($"Training diverged: after epoch {epoch} the network's '{state}' holds NaN or infinite values, although the training loss is {trainingLoss:G4}. Lower the learning rate (now {learningRate:G3}), or check the input's scale.");

                    double? validationLoss = validationTensor is null ? null : Evaluate(network, validationTensor);
                    if (validationLoss is double loss && !double.IsFinite(loss))
                        throw new InvalidOperationException($"The validation loss of epoch {epoch} is {loss}, although the training loss is {trainingLoss:G4}: the network's outputs on the validation rows, or their errors, are not finite. Check that the validation data has the training data's scale, or lower the learning rate (now {learningRate:G3}).");
                    scheduler?.step();
                    var summary = new EpochSummary(epoch, trainingLoss, validationLoss, learningRate, epochTime.Elapsed.TotalSeconds,
                        regularizationSum / rows, divergenceSum / rows);
                    history.Add(summary);
                    channel.Info(summary.ToString());

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
                        if (validationTensor is not null)
                            bestWeights = Snapshot(network, bestWeights);
                    }
                    if (epochsWithoutImprovement >= options.Patience)
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
                CheckOutputsAreFinite(network, trainTensor);
                double finalLoss = Evaluate(network, referenceRows);
                if (!(finalLoss <= DivergenceFactor * referenceLoss))
                    throw new InvalidOperationException($"Training diverged: after {history.Count} epochs the network reconstructs the training rows with a loss of {finalLoss:G4}, {finalLoss / referenceLoss:G3} times {referenceLoss:G4}, the larger of the untrained network's loss and a constant output's (more than {DivergenceFactor} times is divergence). Lower the learning rate (now {optimizer.ParamGroups.First().LearningRate:G3}), or check the input's scale.");
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

        /// <summary>
        /// The fewest rows a mini-batch may hold (<see cref="AutoencoderNetwork.MinimumRowsPerBatch"/>); says once when the
        /// last batch would hold fewer, so that those rows join the batch before it. Throws when no batch can hold enough.
        /// </summary>
        private long MinimumBatchRows(IChannel channel, AutoencoderNetwork network, long rows)
        {
            int minimum = network.MinimumRowsPerBatch;
            if (minimum == 1)
                return 1;
            const string why = "batch normalization cannot estimate a variance from a single value per channel (it would make every output NaN)";
            if (_options.BatchSize < minimum)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.BatchSize), _options.BatchSize, $"The batch size must be at least {minimum} for this architecture: {why}.");
            if (rows < minimum)
                throw new InvalidOperationException($"The training data has {rows} row{(rows == 1 ? "" : "s")}, but this architecture trains on batches of at least {minimum}: {why}.");
            long last = rows % _options.BatchSize;
            if (last > 0 && last < minimum)
                channel.Info($"The last mini-batch of each epoch would hold {last} row{(last == 1 ? "" : "s")} ({rows} training rows, batch size {_options.BatchSize}), too few for batch normalization: {(last == 1 ? "it is" : "they are")} trained with the batch before, of {_options.BatchSize + last} rows.");
            return minimum;
        }

        /// <summary>Up to <see cref="ReferenceRowCount"/> rows of <paramref name="data"/>, spread evenly over it (a view).</summary>
        private static Tensor ReferenceRows(Tensor data)
        {
            long rows = data.shape[0];
            long step = (rows + ReferenceRowCount - 1) / ReferenceRowCount;
            return step == 1 ? data.alias() : data.slice(0, 0, rows, step);
        }

        /// <summary>
        /// What divergence is measured against: the mean reconstruction loss on <paramref name="rows"/> of the network
        /// before training (as initialized, or as the initial model left it; with batch normalization, the larger of its
        /// losses with the running statistics and with each chunk's own) or of the constant output the output activation
        /// gives at 0 (0.5 for the sigmoid, 0 for the identity), whichever is largest.
        /// </summary>
        private double ReferenceLoss(AutoencoderNetwork network, Tensor rows)
        {
            double untrained = Math.Max(Evaluate(network, rows), EvaluateWithBatchStatistics(network, rows));
            double constant;
            using (torch.NewDisposeScope())
            using (torch.no_grad())
                constant = network.RowLoss(torch.zeros_like(rows), rows, _options.Loss).mean().item<float>();
            return Math.Max(untrained, constant);
        }

        /// <summary>The name of the first parameter or buffer holding a NaN or infinite value, or <see langword="null"/>.</summary>
        private static string? FirstNonFiniteState(AutoencoderNetwork network)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            foreach (var (name, tensor) in network.state_dict())
            {
                if (!torch.isfinite(tensor).all().item<bool>())
                    return name;
            }
            return null;
        }

        /// <summary>
        /// The last guard of <see cref="Train"/>: the trained network's codes (and log-variances) and reconstructions of
        /// the first training rows are finite, or no model is returned.
        /// </summary>
        private static void CheckOutputsAreFinite(AutoencoderNetwork network, Tensor data)
        {
            network.eval();
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var batch = data.narrow(0, 0, Math.Min(data.shape[0], AutoencoderTransformer.InferenceBatchSize));
            var outputs = new List<(string Name, Tensor Values)>();
            if (network.IsVariational)
            {
                var (mean, logVariance) = network.EncodeDistribution(batch);
                outputs.Add(("latent codes", mean));
                outputs.Add(("log-variances", logVariance));
            }
            else
            {
                outputs.Add(("latent codes", network.Encode(batch)));
            }
            outputs.Add(("reconstructions", network.Decode(outputs[0].Values)));
            foreach (var (name, values) in outputs)
            {
                if (!torch.isfinite(values).all().item<bool>())
                    throw new InvalidOperationException($"Training produced a network whose {name} of the first training rows are not all finite (NaN or infinite), so no model is returned. Lower the learning rate, or check the input's scale.");
            }
        }

        /// <summary>The mean reconstruction loss over <paramref name="data"/>, in inference mode.</summary>
        private double Evaluate(AutoencoderNetwork network, Tensor data)
        {
            network.eval();
            return MeanRowLoss(network, data, minimumRows: 1);
        }

        /// <summary>
        /// <see cref="MeanRowLoss"/> with the batch-normalization layers normalizing by each chunk's own statistics, as in
        /// training, and their running statistics put back afterwards; 0 when the network has no such layer. (Before
        /// training, the running statistics are still 0 and 1, which an untrained network's activations are far from.)
        /// </summary>
        private double EvaluateWithBatchStatistics(AutoencoderNetwork network, Tensor data)
        {
            var normalizations = network.modules().OfType<BatchNorm>().ToList();
            if (normalizations.Count == 0)
                return 0;
            var saved = normalizations.SelectMany(normalization => normalization.buffers()).Select(buffer => (Buffer: buffer, Copy: buffer.clone())).ToList();
            try
            {
                network.eval();
                foreach (var normalization in normalizations)
                    normalization.train();
                return MeanRowLoss(network, data, network.MinimumRowsPerBatch);
            }
            finally
            {
                network.eval();
                using (torch.no_grad())
                {
                    foreach (var (buffer, copy) in saved)
                    {
                        buffer.copy_(copy);
                        copy.Dispose();
                    }
                }
            }
        }

        /// <summary>
        /// The mean reconstruction loss over <paramref name="data"/> in chunks of the inference batch size (a last chunk
        /// of fewer than <paramref name="minimumRows"/> joins the one before), without gradients, in the network's mode.
        /// </summary>
        private double MeanRowLoss(AutoencoderNetwork network, Tensor data, long minimumRows)
        {
            double sum = 0;
            long rows = data.shape[0];
            using (torch.no_grad())
            {
                long count;
                for (long start = 0; start < rows; start += count)
                {
                    using var scope = torch.NewDisposeScope();
                    count = Math.Min(AutoencoderTransformer.InferenceBatchSize, rows - start);
                    long rest = rows - start - count;
                    if (rest > 0 && rest < minimumRows)
                        count += rest;
                    var batch = data.narrow(0, start, count);
                    sum += network.RowLoss(network.DecodeToLogits(network.Encode(batch)), batch, _options.Loss).sum().item<float>();
                }
            }
            return sum / rows;
        }

        /// <summary>Moves a CPU tensor to <paramref name="device"/>, disposing the CPU copy when it moved.</summary>
        private static Tensor ToDevice(Tensor tensor, Device device)
        {
            if (tensor.device_type == device.type && tensor.device_index == device.index)
                return tensor;
            using (tensor)
                return tensor.to(device);
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

        private optim.Optimizer CreateOptimizer(AutoencoderNetwork network)
        {
            var options = _options;
            var parameters = network.parameters().Where(parameter => parameter.requires_grad);
            return options.Optimizer switch
            {
                OptimizerKind.Adam => optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay),
                OptimizerKind.AdamW => optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay),
                OptimizerKind.StochasticGradientDescent => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: options.Nesterov),
                _ => throw new ArgumentOutOfRangeException(nameof(options.Optimizer), options.Optimizer, "Unknown optimizer."),
            };
        }

        private optim.lr_scheduler.LRScheduler? CreateScheduler(optim.Optimizer optimizer)
        {
            var options = _options;
            return options.LearningRateSchedule switch
            {
                LearningRateSchedule.Constant => null,
                LearningRateSchedule.StepDecay => optim.lr_scheduler.StepLR(optimizer, options.LearningRateDecayEpochs, options.LearningRateDecayFactor),
                LearningRateSchedule.Cosine => optim.lr_scheduler.CosineAnnealingLR(optimizer, options.MaximumNumberOfEpochs),
                _ => throw new ArgumentOutOfRangeException(nameof(options.LearningRateSchedule), options.LearningRateSchedule, "Unknown learning-rate schedule."),
            };
        }

        /// <summary>
        /// Shares the process's one no-GC region (<see cref="NoGarbageCollectionScope"/>, the guard against TorchSharp
        /// 0.107 freeing a <c>Scalar</c> during the native call it was passed to) among the trainings running at once.
        /// The runtime allows one region per process: trainings entering their own would leave all but the first
        /// unguarded, and one leaving the region or collecting at a checkpoint would expose the others' batches in flight.
        /// Instead the region is entered when the first training starts an epoch's batches and left when the last one
        /// finishes its; each batch holds a shared lock, and the collection every <see cref="BatchesPerCollection"/>
        /// batches (counted over all trainings) takes it exclusively, so it runs when no batch of any training is in flight.
        /// </summary>
        internal static class SharedBatchRegion
        {
            private static readonly ReaderWriterLockSlim s_batches = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
            private static NoGarbageCollectionScope? s_region;
            private static int s_members;
            private static long s_batchCount;

            /// <summary>A training's epoch starts its batches: enters the region if no other training holds it.</summary>
            public static Member Join()
            {
                s_batches.EnterWriteLock();
                try
                {
                    if (s_members++ == 0)
                        s_region = NoGarbageCollectionScope.Enter();
                }
                finally
                {
                    s_batches.ExitWriteLock();
                }
                return new Member();
            }

            /// <summary>One batch: until disposed, no collection is started by a checkpoint.</summary>
            public static Batch EnterBatch()
            {
                s_batches.EnterReadLock();
                return new Batch();
            }

            private static void Leave()
            {
                s_batches.EnterWriteLock();
                try
                {
                    if (--s_members == 0)
                    {
                        s_region!.Dispose();
                        s_region = null;
                    }
                }
                finally
                {
                    s_batches.ExitWriteLock();
                }
            }

            private static void ExitBatch()
            {
                s_batches.ExitReadLock();
                if (Interlocked.Increment(ref s_batchCount) % BatchesPerCollection != 0)
                    return;
                s_batches.EnterWriteLock(); // waits for the batches in flight; holds off new ones
                try
                {
                    s_region?.Checkpoint();
                }
                finally
                {
                    s_batches.ExitWriteLock();
                }
            }

            /// <summary>A training's membership in the region, ended by <see cref="Dispose"/>.</summary>
            public sealed class Member : IDisposable
            {
                private bool _left;

                public void Dispose()
                {
                    if (!_left)
                    {
                        _left = true;
                        Leave();
                    }
                }
            }

            /// <summary>A batch in flight, ended by <see cref="Dispose"/> (after the batch's tensors are freed).</summary>
            public sealed class Batch : IDisposable
            {
                private bool _ended;

                public void Dispose()
                {
                    if (!_ended)
                    {
                        _ended = true;
                        ExitBatch();
                    }
                }
            }
        }
    }
}
