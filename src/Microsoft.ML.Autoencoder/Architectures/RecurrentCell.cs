namespace Microsoft.ML.Autoencoder
{
    /// <summary>The recurrent cell of a <see cref="RecurrentArchitecture"/>.</summary>
    public enum RecurrentCell
    {
        /// <summary>Long short-term memory.</summary>
        Lstm = 0,

        /// <summary>Gated recurrent unit: fewer weights than an LSTM of the same hidden size.</summary>
        Gru = 1,
    }
}
