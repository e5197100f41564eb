using System;

namespace Microsoft.ML.Autoencoder.Samples.Generate;

/// <summary>One trained autoencoder of the <c>generate</c> sample.</summary>
/// <param name="Name">The name used in the image grids' row labels.</param>
/// <param name="HeldOutMeanSquaredError">The mean squared error per pixel of its reconstructions of all held-out images (pixels in [0, 1]).</param>
/// <param name="Epochs">The number of epochs it trained for.</param>
/// <param name="FitTime">How long training took.</param>
public sealed record ModelSummary(string Name, double HeldOutMeanSquaredError, int Epochs, TimeSpan FitTime);
