namespace Microsoft.ML.Autoencoder.Samples.Data;

/// <summary>Fashion-MNIST images to train on and images held out, and where they came from.</summary>
/// <param name="Train">The images to fit models on.</param>
/// <param name="Test">The held-out images to evaluate on.</param>
/// <param name="Source">A one-line description of the files and of how they were split.</param>
public sealed record FashionMnistDataset(FashionMnistSplit Train, FashionMnistSplit Test, string Source);
