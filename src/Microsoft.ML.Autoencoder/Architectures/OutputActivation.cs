namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// The function applied to the decoder's last layer to produce the reconstruction.
    /// </summary>
    public enum OutputActivation
    {
        /// <summary>
        /// Logistic sigmoid: reconstructions lie in (0, 1). The right choice for data scaled to [0, 1]
        /// (for example after <c>NormalizeMinMax</c>) and required by the binary cross-entropy loss.
        /// </summary>
        Sigmoid = 0,

        /// <summary>No activation: reconstructions are unbounded. Use it for standardized (zero-mean) data.</summary>
        Identity = 1,
    }
}
