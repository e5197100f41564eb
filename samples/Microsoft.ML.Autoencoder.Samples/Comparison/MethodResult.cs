using System;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>One method at one latent size, measured on the held-out images.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="LatentDimension">The code size.</param>
/// <param name="HeldOutMeanSquaredError">The squared error between held-out pixels (in [0, 1]) and their reconstruction, averaged over pixels and images.</param>
/// <param name="FitTime">The time to fit on the training images.</param>
/// <param name="TransformTime">The time to encode and decode the held-out images.</param>
/// <param name="Epochs">The number of epochs trained (the autoencoders stop early when the loss stops improving); null for PCA.</param>
/// <param name="SampleReconstructions">The reconstructions of <see cref="ComparisonResult.SampleImages"/>, row-major.</param>
/// <param name="MapCodes">At latent size 2, the codes of the first <see cref="ComparisonResult.MapLabels"/>.Length held-out images (x, y pairs); else null.</param>
public sealed record MethodResult(
    string Method,
    int LatentDimension,
    double HeldOutMeanSquaredError,
    TimeSpan FitTime,
    TimeSpan TransformTime,
    int? Epochs,
    float[] SampleReconstructions,
    float[]? MapCodes);
