namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// How the distance between an input and its reconstruction is measured. The per-row reconstruction
    /// error column reports this loss averaged over the row's values.
    /// </summary>
    public enum ReconstructionLoss
    {
        /// <summary>Mean squared error, the usual choice.</summary>
        MeanSquaredError = 0,

        /// <summary>
        /// Binary cross-entropy, for data in [0, 1] such as pixel intensities. Needs the sigmoid output
        /// activation; training data outside [0, 1] is refused.
        /// </summary>
        BinaryCrossEntropy = 1,

        /// <summary>Mean absolute error, less sensitive to outlying values than squared error.</summary>
        L1 = 2,
    }
}
