using System;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Makes a denoising autoencoder: during training each mini-batch is corrupted before it is encoded,
    /// and the network learns to reconstruct the clean rows. Validation, <c>Transform</c> and the
    /// transformer's methods always see the data as given.
    /// </summary>
    /// <remarks>
    /// Set <see cref="NoiseStandardDeviation"/>, <see cref="DropProbability"/> or both (masking is applied
    /// first, then noise). The corruption is drawn from a generator seeded from the training seed.
    /// See docs/variants/denoising.md.
    /// </remarks>
    public sealed class DenoisingOptions
    {
        /// <summary>
        /// The standard deviation of the Gaussian noise added to every input value; 0 for none. Pick it
        /// relative to the data's scale (for data in [0, 1], 0.1 to 0.3 is common).
        /// </summary>
        public float NoiseStandardDeviation { get; set; }

        /// <summary>
        /// The probability that an input value is set to 0 (masking noise); 0 for none. Values that are
        /// kept are not rescaled.
        /// </summary>
        public float DropProbability { get; set; }

        internal DenoisingOptions Clone() => (DenoisingOptions)MemberwiseClone();

        internal void Validate()
        {
            if (!(NoiseStandardDeviation >= 0 && float.IsFinite(NoiseStandardDeviation)))
                throw new ArgumentOutOfRangeException($"{nameof(AutoencoderEstimator.Options.Denoising)}.{nameof(NoiseStandardDeviation)}", NoiseStandardDeviation, "The noise standard deviation must be zero or positive and finite.");
            if (!(DropProbability >= 0 && DropProbability < 1))
                throw new ArgumentOutOfRangeException($"{nameof(AutoencoderEstimator.Options.Denoising)}.{nameof(DropProbability)}", DropProbability, "The drop probability must be in [0, 1).");
            if (NoiseStandardDeviation == 0 && DropProbability == 0)
                throw new ArgumentException("A denoising autoencoder needs a corruption: set NoiseStandardDeviation, DropProbability or both.", $"{nameof(AutoencoderEstimator.Options.Denoising)}.{nameof(NoiseStandardDeviation)}");
        }
    }
}
