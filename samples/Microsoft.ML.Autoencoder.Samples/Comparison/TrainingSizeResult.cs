namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>One method trained on a subset of the training images, scored on all held-out images.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="TrainCount">The number of training images.</param>
/// <param name="LatentDimension">The code size.</param>
/// <param name="HeldOutMeanSquaredError">The held-out reconstruction error.</param>
/// <param name="Epochs">The epochs trained (the limit grows on smaller sets, to the same gradient-step budget; early stopping can end sooner); null for PCA.</param>
public sealed record TrainingSizeResult(string Method, int TrainCount, int LatentDimension, double HeldOutMeanSquaredError, int? Epochs);
