using System.Collections.Generic;
using Microsoft.ML.Autoencoder.Training;

namespace Microsoft.ML.Autoencoder.Samples.Compare;

/// <summary>The outcome of <see cref="ReconstructionComparison.Run"/>.</summary>
/// <param name="TrainCount">The number of training images.</param>
/// <param name="HeldOutCount">The number of held-out images.</param>
/// <param name="MeanImageMeanSquaredError">The baseline: the error of predicting the training images' mean image for every held-out image.</param>
/// <param name="Pca">ML.NET's PCA, reconstructed from its principal components.</param>
/// <param name="Autoencoder">The autoencoder.</param>
/// <param name="AutoencoderHistory">The autoencoder's training loss, epoch by epoch.</param>
public sealed record ComparisonResult(
    int TrainCount,
    int HeldOutCount,
    double MeanImageMeanSquaredError,
    ModelReconstruction Pca,
    ModelReconstruction Autoencoder,
    IReadOnlyList<EpochSummary> AutoencoderHistory);
