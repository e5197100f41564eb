using System;
using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>What one method produced at one latent size: codes, reconstructions and timings.</summary>
public sealed class MethodRun
{
    /// <summary>The method's name.</summary>
    public required string Method { get; init; }

    /// <summary>The number of values each image is compressed to.</summary>
    public required int LatentDimension { get; init; }

    /// <summary>The training images' codes, row-major (<see cref="LatentDimension"/> per image): a classifier learns from these.</summary>
    public required float[] TrainCodes { get; init; }

    /// <summary>The held-out images' codes, row-major.</summary>
    public required float[] HeldOutCodes { get; init; }

    /// <summary>The held-out images decoded back from their codes, row-major (784 per image).</summary>
    public required float[] HeldOutReconstructions { get; init; }

    /// <summary>The time to fit the method on the training images.</summary>
    public required TimeSpan FitTime { get; init; }

    /// <summary>The time to encode the held-out images and decode them back.</summary>
    public required TimeSpan TransformTime { get; init; }

    /// <summary>The autoencoder's loss epoch by epoch; empty for PCA.</summary>
    public IReadOnlyList<EpochSummary> TrainingHistory { get; init; } = [];
}
