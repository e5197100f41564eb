namespace Microsoft.ML.Autoencoder
{
    /// <summary>What an <see cref="AutoencoderAnomalyTransformer"/>'s score measures; higher is more anomalous in every case.</summary>
    public enum AnomalyScoreKind
    {
        /// <summary>
        /// The mean squared reconstruction error of the (standardized) row: the average over its values of
        /// (value - reconstruction)². The default, and the only kind for a model that is not variational.
        /// </summary>
        ReconstructionError,

        /// <summary>
        /// A variational model's negative evidence lower bound per value, as it was trained: the mean squared error of the
        /// row's reconstruction from its latent mean plus β times the KL divergence of its latent distribution from the
        /// prior, divided by the number of values. Rows whose codes lie far from the prior score higher.
        /// </summary>
        NegativeElbo,

        /// <summary>
        /// A variational model's negative log reconstruction probability (An and Cho, 2015) under a unit-variance Gaussian
        /// decoder, up to constants: the mean squared error averaged over reconstructions of
        /// <see cref="AutoencoderAnomalyTrainer.Defaults.ReconstructionProbabilitySamples"/> latent draws. The draws are
        /// fixed at training (and saved), so a row always gets the same score.
        /// </summary>
        ReconstructionProbability,
    }
}
