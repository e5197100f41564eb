namespace Microsoft.ML.Autoencoder.Model
{
    /// <summary>
    /// The rows a forward pass reads: <see cref="RowCount"/> rows of the model's input size, one after the other,
    /// from element <see cref="Offset"/> of <see cref="Values"/> on.
    /// </summary>
    /// <param name="Values">The rows.</param>
    /// <param name="Offset">The element where the first row starts.</param>
    /// <param name="RowCount">The number of rows.</param>
    /// <param name="IsAligned">
    /// Whether <see cref="Values"/> is pinned and <see cref="Offset"/> 64-byte aligned (as the cursors' batch buffers are,
    /// <see cref="Platform.AlignedBufferPool"/>): a CPU model then reads the rows in place; otherwise they are first copied into
    /// libtorch's own (aligned) memory. Alignment matters beyond speed: MKL sums in another order on unaligned memory,
    /// which would change the outputs' last bits with the array's address.
    /// </param>
    internal readonly record struct ForwardInput(float[] Values, int Offset, int RowCount, bool IsAligned)
    {
        /// <summary>The first <paramref name="rowCount"/> rows of a plain array (copied into libtorch's memory).</summary>
        public static ForwardInput Rows(float[] values, int rowCount) => new ForwardInput(values, 0, rowCount, IsAligned: false);
    }

    /// <summary>
    /// The outputs a forward pass writes, row after row from element 0; a <see langword="null"/> array is not computed
    /// (the decoder does not run when neither <see cref="Reconstruction"/> nor <see cref="Errors"/> is asked for).
    /// </summary>
    /// <param name="Latent">The latent codes (for a variational model, the means): latent-dimension values per row.</param>
    /// <param name="LogVariance">A variational model's latent log-variances: latent-dimension values per row.</param>
    /// <param name="Reconstruction">The reconstructions: input-size values per row.</param>
    /// <param name="Errors">
    /// Each row's reconstruction error: the model's loss averaged over the row, or, with <paramref name="ErrorWindow"/>,
    /// the error of the reconstruction over that window of the image (<see cref="AnomalyDetection.ErrorWindow"/>).
    /// </param>
    /// <param name="ErrorWindow">The window <see cref="Errors"/> is measured over, or <see langword="null"/>.</param>
    internal sealed record ForwardOutputs(float[]? Latent = null, float[]? LogVariance = null, float[]? Reconstruction = null, float[]? Errors = null,
        AnomalyDetection.ErrorWindow? ErrorWindow = null);
}
