namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Makes a contractive autoencoder: training adds the squared Frobenius norm of the encoder's
    /// Jacobian (the derivatives of the latent code with respect to the input), which makes the code
    /// insensitive to small changes of the input. Dense architecture without batch normalization only.
    /// </summary>
    /// <remarks>
    /// The penalty is <see cref="PenaltyOptions.Weight"/> (default 1e-3) times the squared Frobenius norm averaged over
    /// the batch's rows, computed exactly with automatic differentiation: one extra backward pass per latent unit, so an
    /// epoch costs roughly <c>LatentDimension</c> times more than a plain one. For a variational model it
    /// applies to the latent mean. See docs/variants/contractive.md.
    /// </remarks>
    public sealed class ContractiveOptions : PenaltyOptions
    {
        private protected override string OptionName => nameof(AutoencoderEstimator.Options.Contractive);
    }
}
