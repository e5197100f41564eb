using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// The training loop shared by every architecture and variant: reads the data once into one tensor,
    /// then runs shuffled mini-batches per epoch until the epoch limit or convergence, with optional
    /// validation, early stopping and restoring of the best weights. The loss of a batch comes from
    /// <see cref="TrainingObjective"/>; warm start copies an initial model's weights and may freeze its encoder.
    /// </summary>
    internal sealed class AutoencoderTrainer
    {
        /// <summary>Mini-batches between two garbage collections (see <see cref="NoGarbageCollectionScope"/>).</summary>
        private const int BatchesPerCollection = 8;

        /// <summary>
        /// Weight initialization and dropout draw from torch's process-wide generator, so trainings are
        /// serialized to keep a seeded training reproducible when several run at once. Loading a model takes it
        /// too while it builds the network (whose initial weights it then overwrites).
        /// </summary>
        internal static readonly object GlobalGeneratorLock = new object();

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

            lock (GlobalGeneratorLock)
            {
                torch.manual_seed(seed);
                var network = options.Architecture.CreateNetwork(_inputSize, options.LatentDimension, options.OutputActivation, isVariational: options.Variational is not null);
                try
                {
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
                    var history = RunEpochs(channel, network, train, validation, seed, device);
                    network.eval();
                    return (network, history);
                }
                catch
                {
                    network.Dispose();
                    throw;
                }
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
            using var trainTensor = ToDevice(train.AsTensor(), device);
            using var validationTensor = validation is null ? null : ToDevice(validation.AsTensor(), device);
            using var shuffleGenerator = new Generator((ulong)seed);
            using var objective = new TrainingObjective(options, seed);
            int warmupEpochs = options.Variational?.KullbackLeiblerWarmupEpochs ?? 0;
            var optimizer = CreateOptimizer(network);
            Dictionary<string, Tensor>? bestWeights = null;
            try
            {
                var scheduler = CreateScheduler(optimizer);
                double bestLoss = double.PositiveInfinity;
                int epochsWithoutImprovement = 0;
                long rows = train.RowCount;
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
                    long batchIndex = 0;
                    using (var collection = NoGarbageCollectionScope.Enter())
                    using (var order = ToDevice(options.Shuffle ? torch.randperm(rows, generator: shuffleGenerator) : torch.arange(rows), device))
                    {
                        for (long start = 0; start < rows; start += options.BatchSize)
                        {
                            if (++batchIndex % BatchesPerCollection == 0)
                                collection.Checkpoint(); // the previous batch's tensors are disposed: nothing native in flight
                            using var scope = torch.NewDisposeScope();
                            long count = Math.Min(options.BatchSize, rows - start);
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

                    double? validationLoss = validationTensor is null ? null : Evaluate(network, validationTensor);
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
                    if (options.EarlyStopping && epochsWithoutImprovement >= options.Patience)
                    {
                        channel.Info($"Stopped after epoch {epoch}: the {(validationLoss is null ? "training" : "validation")} loss improved by less than {options.ConvergenceTolerance:G3} (relative) for {options.Patience} epochs.");
                        break;
                    }
                }
                if (bestWeights is not null && history[^1].ValidationLoss > bestLoss)
                {
                    int bestEpoch = history.First(h => h.ValidationLoss == bestLoss).Epoch;
                    channel.Info($"Restored the weights of epoch {bestEpoch}, whose validation loss {bestLoss:G6} was the lowest.");
                    Restore(network, bestWeights);
                }
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

        /// <summary>The mean reconstruction loss over <paramref name="data"/>, in inference mode.</summary>
        private double Evaluate(AutoencoderNetwork network, Tensor data)
        {
            network.eval();
            double sum = 0;
            long rows = data.shape[0];
            using (torch.no_grad())
            {
                for (long start = 0; start < rows; start += AutoencoderModel.BatchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    long count = Math.Min(AutoencoderModel.BatchSize, rows - start);
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
                return network.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.detach().clone());
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
                OptimizerKind.Sgd => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: options.Nesterov),
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
    }
}
