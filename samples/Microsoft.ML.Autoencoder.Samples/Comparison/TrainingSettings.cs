namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>How a method is trained.</summary>
/// <param name="Epochs">The autoencoders' maximum number of passes over the training images (PCA ignores it).</param>
/// <param name="BatchSize">The autoencoders' mini-batch size (PCA ignores it).</param>
/// <param name="Seed">The seed of PCA's randomized solver and of the autoencoders' initialization and shuffling.</param>
public sealed record TrainingSettings(int Epochs, int BatchSize, int Seed);
