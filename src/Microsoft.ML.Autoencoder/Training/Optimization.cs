using System;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.ML.Autoencoder.Architectures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>The optimizer and learning-rate schedule that the options name, over the network's trainable parameters.</summary>
    internal static class Optimization
    {
        private static readonly ConditionalWeakTable<optim.Optimizer, Parameter> s_flatParameters = new();

        public static optim.Optimizer CreateOptimizer(AutoencoderEstimator.Options options, AutoencoderNetwork network)
        {
            var trainable = network.parameters().Where(parameter => parameter.requires_grad).ToList();

            // One buffer for all of them (FlatParameters): a few operations per step instead of a few per tensor.
            var flat = FlatParameters.Layout(trainable);
            var parameters = flat is null ? trainable.ToArray() : new[] { flat };
            optim.Optimizer optimizer = options.Optimizer switch
            {
                OptimizerKind.Adam => optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay),
                OptimizerKind.AdamW => optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay),
                OptimizerKind.Sgd => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: options.Nesterov),
                _ => throw new ArgumentOutOfRangeException(nameof(options.Optimizer), options.Optimizer, "Unknown optimizer."),
            };
            if (flat is not null)
                s_flatParameters.Add(optimizer, flat);
            return optimizer;
        }

        /// <summary>Disposes an optimizer made by <see cref="CreateOptimizer"/>, and the flat parameter buffer it updated, if any.</summary>
        public static void Dispose(optim.Optimizer optimizer, AutoencoderNetwork network)
        {
            optimizer.Dispose();
            if (s_flatParameters.TryGetValue(optimizer, out var flat))
            {
                s_flatParameters.Remove(optimizer);
                FlatParameters.Release(flat, network.parameters().Where(parameter => parameter.requires_grad));
            }
        }

        public static optim.lr_scheduler.LRScheduler? CreateScheduler(AutoencoderEstimator.Options options, optim.Optimizer optimizer)
        {
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
