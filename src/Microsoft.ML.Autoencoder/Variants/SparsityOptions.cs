namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Makes a sparse autoencoder: training adds an L1 penalty on the latent activations, which pushes
    /// most latent values of a row towards zero.
    /// </summary>
    /// <remarks>
    /// The penalty is <see cref="PenaltyOptions.Weight"/> (default 1e-3) times the mean absolute latent value (over the
    /// batch's rows and the latent units), added to the reconstruction loss (itself a mean over values). For a variational
    /// model it applies to the latent mean. See docs/variants/sparse.md.
    /// </remarks>
    public sealed class SparsityOptions : PenaltyOptions
    {
        private protected override string OptionName => nameof(AutoencoderEstimator.Options.Sparsity);
    }
}
