namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>The output columns an <see cref="AutoencoderTransformer"/> can add.</summary>
    internal enum OutputKind
    {
        Latent,
        LogVariance,
        Reconstruction,
        ReconstructionError,
    }
}
