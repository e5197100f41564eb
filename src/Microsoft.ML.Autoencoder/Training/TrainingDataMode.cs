namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// How training reads its data (<see cref="AutoencoderEstimator.Options.DataMode"/>): once into memory, or from a fresh
    /// cursor every epoch. See docs/scaling.md.
    /// </summary>
    public enum TrainingDataMode
    {
        /// <summary>
        /// In memory when the training (and validation) rows fit <see cref="AutoencoderEstimator.Options.InMemoryBudgetBytes"/>,
        /// streaming otherwise. The size is taken from the row count the source reports; a source that reports none is read
        /// into memory until it exceeds the budget. The choice and its reason are logged.
        /// </summary>
        Auto = 0,

        /// <summary>
        /// The whole column is read into one tensor once, and each epoch's mini-batches are drawn from it: the fastest when
        /// the data fits in memory.
        /// </summary>
        InMemory = 1,

        /// <summary>
        /// Each epoch opens a fresh cursor on the data and assembles mini-batches as its rows arrive, so memory holds a few
        /// batches and the shuffle buffer, whatever the data's size. Shuffling uses the source's shuffled cursor where it has
        /// one (<see cref="IDataView.CanShuffle"/>) and a shuffle buffer of
        /// <see cref="AutoencoderEstimator.Options.ShuffleBufferRows"/> rows.
        /// </summary>
        Streaming = 2,
    }
}
