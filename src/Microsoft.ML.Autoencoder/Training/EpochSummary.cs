namespace Microsoft.ML.Autoencoder
{
    /// <summary>What one training epoch achieved. A trained transformer keeps one per epoch run.</summary>
    public sealed class EpochSummary
    {
        internal EpochSummary(int epoch, double trainingLoss, double? validationLoss, double learningRate, double seconds,
            double? regularizationLoss = null, double? kullbackLeiblerDivergence = null)
        {
            Epoch = epoch;
            TrainingLoss = trainingLoss;
            ValidationLoss = validationLoss;
            LearningRate = learningRate;
            Seconds = seconds;
            RegularizationLoss = regularizationLoss;
            KullbackLeiblerDivergence = kullbackLeiblerDivergence;
        }

        /// <summary>The epoch's number, starting at 1.</summary>
        public int Epoch { get; }

        /// <summary>
        /// The training loss averaged over the epoch's mini-batches (weighted by batch size), as
        /// minimized, including any regularization terms (<see cref="RegularizationLoss"/>) and computed
        /// on corrupted inputs for a denoising autoencoder.
        /// </summary>
        public double TrainingLoss { get; }

        /// <summary>
        /// The reconstruction loss on the validation rows after the epoch, if there are any: clean inputs,
        /// the latent mean for a variational model, no regularization terms.
        /// </summary>
        public double? ValidationLoss { get; }

        /// <summary>The learning rate used during the epoch.</summary>
        public double LearningRate { get; }

        /// <summary>Wall-clock seconds the epoch took, validation included.</summary>
        public double Seconds { get; }

        /// <summary>
        /// The part of <see cref="TrainingLoss"/> added by the variants (the weighted sparsity, contractive
        /// and KL terms), averaged like it; <see langword="null"/> when no variant adds a term.
        /// The reconstruction part is <c>TrainingLoss - RegularizationLoss</c>.
        /// </summary>
        public double? RegularizationLoss { get; }

        /// <summary>
        /// For a variational autoencoder, the Kullback-Leibler divergence of the latent distributions from
        /// the standard normal prior, in nats per row (summed over the latent units, not weighted by beta),
        /// averaged over the epoch's mini-batches; <see langword="null"/> otherwise.
        /// </summary>
        public double? KullbackLeiblerDivergence { get; }

        /// <inheritdoc/>
        public override string ToString()
            => $"epoch {Epoch}: training loss {TrainingLoss:G6}"
                + (RegularizationLoss is double regularization ? $" (regularization {regularization:G4})" : "")
                + (KullbackLeiblerDivergence is double divergence ? $", KL divergence {divergence:G4} per row" : "")
                + (ValidationLoss is double validation ? $", validation loss {validation:G6}" : "")
                + $", learning rate {LearningRate:G3}, {Seconds:F2} s";
    }
}
