using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// A deterministic split of a source's rows into training and held-out rows by a seeded hash of each row's id, so that
    /// streaming epochs hold out the same rows every time without storing which (the in-memory path samples them instead).
    /// </summary>
    /// <param name="Seed">The seed of the hash.</param>
    /// <param name="Fraction">The share of rows held out, on average.</param>
    /// <param name="HeldOut">Whether the held-out rows are selected (validation) or the others (training).</param>
    internal readonly record struct RowHoldout(int Seed, double Fraction, bool HeldOut)
    {
        /// <summary>Whether the row with <paramref name="id"/> belongs to this side of the split.</summary>
        public bool Selects(DataViewRowId id) => IsHeldOut(id) == HeldOut;

        private bool IsHeldOut(DataViewRowId id)
        {
            // SplitMix64's finalizer over the id and the seed: uniform in [0, 1) for consecutive ids.
            ulong x = id.Low ^ (id.High * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)Seed << 32 | 0x5BD1E995UL);
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
            return (x >> 11) * (1.0 / (1UL << 53)) < Fraction;
        }
    }
}
