namespace Microsoft.ML.Autoencoder
{
    /// <summary>How the learning rate changes from epoch to epoch.</summary>
    public enum LearningRateSchedule
    {
        /// <summary>The learning rate stays as given.</summary>
        Constant = 0,

        /// <summary>
        /// The learning rate is multiplied by <c>LearningRateDecayFactor</c> every
        /// <c>LearningRateDecayEpochs</c> epochs.
        /// </summary>
        StepDecay = 1,

        /// <summary>
        /// Cosine annealing from the learning rate to zero over <c>MaximumNumberOfEpochs</c> epochs.
        /// </summary>
        Cosine = 2,
    }
}
