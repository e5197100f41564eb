namespace Microsoft.ML.Autoencoder
{
    /// <summary>How <see cref="AutoencoderTransformer.Compress(float[][], CodePrecision)"/> stores each value of a latent code.</summary>
    /// <remarks>See docs/compression.md for the error bounds and the byte layout.</remarks>
    public enum CodePrecision
    {
        /// <summary>
        /// IEEE 754 half precision, 2 bytes per value: the relative error is at most 2^-11 for values of magnitude
        /// 2^-14 to 65504 (the absolute error at most 2^-25 below that); larger values cannot be stored.
        /// </summary>
        Float16 = 1,

        /// <summary>
        /// One byte per value: each latent dimension's range over the training codes (fitted by <c>Fit</c> and saved with
        /// the model) is divided into 255 equal steps, so a value inside that range comes back within half a step; a value
        /// outside it is clamped to the range's nearer end.
        /// </summary>
        Byte = 2,
    }
}
