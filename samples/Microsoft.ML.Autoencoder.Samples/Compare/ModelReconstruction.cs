using System;

namespace Microsoft.ML.Autoencoder.Samples.Compare;

/// <summary>How well, and how fast, one model reconstructs the held-out images.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="HeldOutMeanSquaredError">The squared error between held-out pixels and their reconstruction, averaged over pixels and images (pixels in [0, 1]).</param>
/// <param name="FitTime">The time <c>Fit</c> took on the training images.</param>
/// <param name="ReconstructTime">The time to transform the held-out images and read their reconstructions.</param>
public sealed record ModelReconstruction(string Name, double HeldOutMeanSquaredError, TimeSpan FitTime, TimeSpan ReconstructTime);
