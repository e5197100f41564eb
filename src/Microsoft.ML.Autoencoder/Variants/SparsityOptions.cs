using System;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Makes a sparse autoencoder: training adds an L1 penalty on the latent activations, which pushes
    /// most latent values of a row towards zero.
    /// </summary>
    /// <remarks>
    /// The penalty is <see cref="Weight"/> times the mean absolute latent value (over the batch's rows and
    /// the latent units), added to the reconstruction loss (itself a mean over values). For a variational
    /// model it applies to the latent mean. See docs/variants/sparse.md.
    /// </remarks>
    public sealed class SparsityOptions
    {
        /// <summary>The weight of the L1 penalty on the latent activations; positive.</summary>
        public float Weight { get; set; } = 1e-3f;

        internal SparsityOptions Clone() => (SparsityOptions)MemberwiseClone();

        internal void Validate()
        {
            if (!(Weight > 0 && float.IsFinite(Weight)))
                throw new ArgumentOutOfRangeException($"{nameof(AutoencoderEstimator.Options.Sparsity)}.{nameof(Weight)}", Weight, "The sparsity weight must be positive and finite.");
        }
    }
}
