using System;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// What the variants that add a weighted penalty to the reconstruction loss have in common
    /// (<see cref="SparsityOptions"/>, <see cref="ContractiveOptions"/>): the penalty's weight.
    /// </summary>
    public abstract class PenaltyOptions
    {
        private protected PenaltyOptions()
        {
        }

        /// <summary>The weight of the penalty in the training loss; positive and finite.</summary>
        public float Weight { get; set; } = 1e-3f;

        /// <summary>The option of <see cref="AutoencoderEstimator.Options"/> that holds these options, for error messages.</summary>
        private protected abstract string OptionName { get; }

        internal PenaltyOptions Clone() => (PenaltyOptions)MemberwiseClone();

        internal void Validate()
        {
            if (!(Weight > 0 && float.IsFinite(Weight)))
                throw new ArgumentOutOfRangeException($"{OptionName}.{nameof(Weight)}", Weight, $"The {OptionName} weight must be positive and finite.");
        }
    }
}
