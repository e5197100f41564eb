using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>The optimizer and learning-rate schedule that the options name, over the network's trainable parameters.</summary>
    internal static class Optimization
    {
        public static optim.Optimizer CreateOptimizer(AutoencoderEstimator.Options options, AutoencoderNetwork network)
        {
            var parameters = network.parameters().Where(parameter => parameter.requires_grad);
            return options.Optimizer switch
            {
                OptimizerKind.Adam => optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay),
                OptimizerKind.AdamW => optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay),
                OptimizerKind.Sgd => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: options.Nesterov),
                _ => throw new ArgumentOutOfRangeException(nameof(options.Optimizer), options.Optimizer, "Unknown optimizer."),
            };
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
