namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// How an <see cref="AutoencoderAnomalyTransformer"/> maps its score to the normalized score in [0, 1] (the optional
    /// <see cref="AutoencoderAnomalyTrainer.Options.NormalizedScoreColumnName"/> column; PyOD's <c>predict_proba</c>).
    /// Both are fitted on the training scores and saved with the model.
    /// </summary>
    public enum AnomalyScoreNormalization
    {
        /// <summary>
        /// Linear min-max: (score - the lowest training score) / (the highest - the lowest), clipped to [0, 1]. A row scoring
        /// as high as the worst training row gets 1.
        /// </summary>
        Linear,

        /// <summary>
        /// Kriegel et al.'s "unify" (PyOD's <c>method='unify'</c>): erf((score - mean) / (standard deviation · √2)) of the
        /// training scores, clipped to [0, 1]. Rows at or below the mean training score get 0; the value approaches 1 as the
        /// score moves standard deviations above the mean.
        /// </summary>
        Unify,
    }
}
