using System;

namespace Microsoft.ML.Autoencoder.Samples.Classify;

/// <summary>How well the classifier does on one representation of the images.</summary>
/// <param name="Name">The representation: raw pixels, PCA codes or autoencoder codes.</param>
/// <param name="Dimension">The number of features the classifier sees.</param>
/// <param name="MicroAccuracy">The fraction of held-out images classified correctly.</param>
/// <param name="MacroAccuracy">The accuracy of each class, averaged over the classes.</param>
/// <param name="FitTime">The time to fit the whole pipeline (representation and classifier) on the training images.</param>
public sealed record FeatureAccuracy(string Name, int Dimension, double MicroAccuracy, double MacroAccuracy, TimeSpan FitTime);
