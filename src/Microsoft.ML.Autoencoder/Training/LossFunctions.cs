using System;
using Microsoft.ML.Autoencoder.Architectures;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// The reconstruction losses, computed from the decoder's output before its activation so that
    /// binary cross-entropy can use the numerically stable logits form.
    /// </summary>
    internal static class LossFunctions
    {
        /// <summary>The loss averaged over every value of the batch.</summary>
        public static Tensor BatchLoss(Tensor logits, Tensor target, ReconstructionLoss loss, OutputActivation outputActivation)
            => Elementwise(logits, target, loss, outputActivation, Reduction.Mean);

        /// <summary>The loss averaged over each row's values, shape <c>[batch]</c>.</summary>
        public static Tensor RowLoss(Tensor logits, Tensor target, ReconstructionLoss loss, OutputActivation outputActivation)
            => Elementwise(logits, target, loss, outputActivation, Reduction.None).mean(new long[] { 1 });

        private static Tensor Elementwise(Tensor logits, Tensor target, ReconstructionLoss loss, OutputActivation outputActivation, Reduction reduction)
        {
            switch (loss)
            {
                case ReconstructionLoss.BinaryCrossEntropy:
                    if (outputActivation != OutputActivation.Sigmoid)
                        throw new InvalidOperationException("Binary cross-entropy needs the sigmoid output activation.");
                    return functional.binary_cross_entropy_with_logits(logits, target, reduction: reduction);
                case ReconstructionLoss.MeanSquaredError:
                    return functional.mse_loss(Activate(logits, outputActivation), target, reduction);
                case ReconstructionLoss.L1:
                    return functional.l1_loss(Activate(logits, outputActivation), target, reduction);
                default:
                    throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown reconstruction loss.");
            }
        }

        /// <summary>The decoder's output activation applied to <paramref name="logits"/>.</summary>
        public static Tensor Activate(Tensor logits, OutputActivation outputActivation) => outputActivation switch
        {
            OutputActivation.Sigmoid => torch.sigmoid(logits),
            OutputActivation.Identity => logits.alias(),
            _ => throw new ArgumentOutOfRangeException(nameof(outputActivation), outputActivation, "Unknown output activation."),
        };
    }
}
