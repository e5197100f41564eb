using System;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Makes a variational autoencoder (VAE): the encoder outputs the mean and log-variance of a Gaussian
    /// over the latent space, training decodes a sample of it (the reparameterization trick) and adds the
    /// Kullback-Leibler divergence from the standard normal prior, so that decoding draws from the prior
    /// generates new rows (<c>AutoencoderTransformer.Sample</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The loss minimized is the negative evidence lower bound divided by the input size: the
    /// reconstruction loss averaged over the values plus <see cref="Beta"/> times the KL divergence (summed
    /// over the latent units, averaged over the rows) divided by the input size. Dividing both terms by
    /// the same number keeps the training loss on the scale of the reconstruction-error column and
    /// leaves <see cref="Beta"/> its usual (beta-VAE) meaning.
    /// </para>
    /// <para>
    /// The latent column holds the mean; <c>Options.LogVarianceColumnName</c> adds the log-variance.
    /// Each epoch's KL divergence is reported in <c>EpochSummary.KullbackLeiblerDivergence</c>.
    /// See docs/variants/variational.md.
    /// </para>
    /// </remarks>
    public sealed class VariationalOptions
    {
        /// <summary>
        /// The weight of the KL term; 1 is the standard VAE, larger values give a smoother, more
        /// disentangled latent space at the cost of blurrier reconstructions.
        /// </summary>
        public float Beta { get; set; } = 1;

        /// <summary>
        /// The number of epochs over which the KL weight rises linearly from 0 (in the first epoch) to
        /// <see cref="Beta"/> (from epoch <c>KullbackLeiblerWarmupEpochs + 1</c> on); 0 uses
        /// <see cref="Beta"/> from the start. Early stopping only starts counting after the warm-up.
        /// </summary>
        public int KullbackLeiblerWarmupEpochs { get; set; }

        internal VariationalOptions Clone() => (VariationalOptions)MemberwiseClone();

        /// <summary>The KL weight used in <paramref name="epoch"/> (counted from 1).</summary>
        internal double BetaAt(int epoch)
            => KullbackLeiblerWarmupEpochs == 0 ? Beta : Beta * Math.Min(1.0, (epoch - 1) / (double)KullbackLeiblerWarmupEpochs);

        internal void Validate()
        {
            if (!(Beta >= 0 && float.IsFinite(Beta)))
                throw new ArgumentOutOfRangeException($"{nameof(AutoencoderEstimator.Options.Variational)}.{nameof(Beta)}", Beta, "Beta must be zero or positive and finite.");
            if (KullbackLeiblerWarmupEpochs < 0)
                throw new ArgumentOutOfRangeException($"{nameof(AutoencoderEstimator.Options.Variational)}.{nameof(KullbackLeiblerWarmupEpochs)}", KullbackLeiblerWarmupEpochs, "The number of warm-up epochs must be zero or positive.");
        }
    }
}
