namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>Reported by <see cref="PcaVersusAutoencoder.Run"/> when a step starts, and once more when all are done.</summary>
/// <param name="CompletedSteps">The number of steps already done.</param>
/// <param name="TotalSteps">The number of steps of the whole run.</param>
/// <param name="Description">What the starting step does ("done" at the end).</param>
public sealed record ComparisonProgress(int CompletedSteps, int TotalSteps, string Description);
