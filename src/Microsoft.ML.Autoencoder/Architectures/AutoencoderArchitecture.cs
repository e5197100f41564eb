namespace Microsoft.ML.Autoencoder.Architectures
{
    /// <summary>
    /// Describes the shape of an autoencoder's encoder and decoder. <see cref="DenseArchitecture"/> is
    /// the default; every architecture is trained by the same loop and persisted the same way.
    /// </summary>
    public abstract class AutoencoderArchitecture
    {
        private protected AutoencoderArchitecture()
        {
        }

        /// <summary>
        /// Checks the description against the input and latent sizes and throws an exception that names
        /// the offending option when they do not fit together.
        /// </summary>
        /// <param name="inputSize">The number of values in one input row.</param>
        /// <param name="latentDimension">The size of the latent code.</param>
        internal abstract void Validate(int inputSize, int latentDimension);

        /// <summary>
        /// Creates the untrained network. Weights are initialized from torch's global generator, which
        /// the trainer seeds first.
        /// </summary>
        internal abstract AutoencoderNetwork CreateNetwork(int inputSize, int latentDimension, OutputActivation outputActivation);

        /// <summary>Returns a deep copy, so that an estimator's options cannot change a trained model.</summary>
        internal abstract AutoencoderArchitecture Clone();
    }
}
