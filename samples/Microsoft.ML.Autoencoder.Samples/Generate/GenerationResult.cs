using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Samples.Generate;

/// <summary>What <see cref="ImageGeneration.Run"/> trained and wrote.</summary>
/// <param name="TrainCount">The number of images the autoencoders trained on.</param>
/// <param name="HeldOutCount">The number of held-out images their reconstruction error is measured on.</param>
/// <param name="Models">The dense, convolutional and variational autoencoders, in that order.</param>
/// <param name="Files">The full paths of the PNG files written: reconstructions, samples, interpolations.</param>
public sealed record GenerationResult(int TrainCount, int HeldOutCount, IReadOnlyList<ModelSummary> Models, IReadOnlyList<string> Files);
