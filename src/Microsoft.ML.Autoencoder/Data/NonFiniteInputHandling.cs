namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// What scoring (<c>Transform</c>, a <c>PredictionEngine</c>, the array methods) does with an input row that has a NaN
    /// or infinite value. Training always refuses such rows.
    /// </summary>
    public enum NonFiniteInputHandling
    {
        /// <summary>
        /// Throw an exception naming the row and the index (the default): a NaN row's outputs are NaN, and a check such as
        /// <c>error &gt; threshold</c> would then silently call it normal.
        /// </summary>
        Throw,

        /// <summary>Score the row anyway: its outputs are NaN (or infinite), for the caller to handle.</summary>
        Propagate,
    }
}
