namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>What a standalone ONNX model of an autoencoder computes.</summary>
    internal enum OnnxModelPart
    {
        /// <summary>Rows to latent codes (and, for a variational model, log-variances).</summary>
        Encoder,

        /// <summary>Latent codes to reconstructions.</summary>
        Decoder,

        /// <summary>Rows to the transformer's output columns.</summary>
        Transformer,
    }
}
