namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>The ML.NET classifiers trained on pixels or codes to measure how much class information a code keeps.</summary>
public enum DownstreamClassifier
{
    /// <summary>
    /// <c>MulticlassClassification.Trainers.SdcaMaximumEntropy</c> (multinomial logistic regression) after
    /// <c>NormalizeMeanVariance</c>, at most 30 passes: a linear classifier.
    /// </summary>
    SdcaMaximumEntropy,

    /// <summary><c>MulticlassClassification.Trainers.LightGbm</c> (gradient-boosted trees, 50 iterations): a non-linear classifier.</summary>
    LightGbm,
}
