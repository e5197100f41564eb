namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// How an <see cref="AutoencoderAnomalyTrainer"/> fits the threshold above which a score is an anomaly
    /// (<c>PredictedLabel</c> = <see langword="true"/>). Every method but <see cref="Explicit"/> is fitted on the scores of the
    /// training rows; the threshold and how it was found are saved with the model (see docs/anomaly-detection.md).
    /// </summary>
    public enum AnomalyThresholdMethod
    {
        /// <summary>
        /// The (1 - c) quantile of the training scores, c = <see cref="AutoencoderAnomalyTrainer.Options.Contamination"/>
        /// (PyOD's <c>contamination</c>): about a fraction c of rows like the training rows is flagged. Needs the
        /// expected share of anomalies.
        /// </summary>
        Contamination,

        /// <summary>The score given in <see cref="AutoencoderAnomalyTrainer.Options.ThresholdValue"/>.</summary>
        Explicit,

        /// <summary>
        /// Automatic, robust z-score: exp(median + k · 1.4826 · MAD) of the logarithms of the training scores, k =
        /// <see cref="AutoencoderAnomalyTrainer.Options.DeviationMultiplier"/>. Assumes that most training rows are normal,
        /// that the logarithm of their scores is roughly normal (reconstruction errors are skewed to the right; their
        /// logarithms much less so), and that anomalies are fewer than half of the rows, so that the median and the median
        /// absolute deviation describe the normal rows alone.
        /// </summary>
        MedianAbsoluteDeviation,

        /// <summary>
        /// Automatic, Otsu's split: the cut of a 256-bin histogram of the logarithms of the training scores that maximizes
        /// the variance between the two groups it makes. Assumes that the scores fall into two groups, normal rows and
        /// anomalies, each reasonably compact; with few anomalies the split can fall inside the normal rows.
        /// </summary>
        Otsu,

        /// <summary>
        /// Automatic, two-component Gaussian mixture fitted (by expectation-maximization) to the logarithms of the training
        /// scores: the lowest score above the mixture's mean at which the component with the higher mean becomes the more
        /// probable. Assumes two roughly normal groups of log scores (normal rows and anomalies); when the anomalies do not
        /// form a group of their own, the second component models the normal rows' tail instead.
        /// </summary>
        GaussianMixture,
    }
}
