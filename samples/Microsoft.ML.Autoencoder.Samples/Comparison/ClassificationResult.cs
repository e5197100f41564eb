using System;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>A classifier trained on one kind of features, scored on the held-out images.</summary>
/// <param name="Features">What the classifier saw: <see cref="ComparisonResult.RawPixels"/> or a method's name (its codes).</param>
/// <param name="Dimension">The number of features (784 for raw pixels, else the latent size).</param>
/// <param name="Classifier">The classifier.</param>
/// <param name="Accuracy">The fraction of held-out images classified correctly.</param>
/// <param name="TrainTime">The classifier's training time.</param>
public sealed record ClassificationResult(string Features, int Dimension, DownstreamClassifier Classifier, double Accuracy, TimeSpan TrainTime);
