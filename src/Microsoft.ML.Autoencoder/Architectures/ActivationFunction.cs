namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// The non-linearity applied after each hidden layer of an encoder or decoder.
    /// </summary>
    public enum ActivationFunction
    {
        /// <summary>Rectified linear unit, <c>max(0, x)</c>.</summary>
        ReLU = 0,

        /// <summary>Leaky rectified linear unit with a negative slope of 0.01.</summary>
        LeakyReLU = 1,

        /// <summary>Hyperbolic tangent.</summary>
        Tanh = 2,

        /// <summary>Gaussian error linear unit.</summary>
        GELU = 3,

        /// <summary>Logistic sigmoid.</summary>
        Sigmoid = 4,
    }
}
