namespace Microsoft.ML.Autoencoder.Samples.Classify;

/// <summary>One image classified through a <c>PredictionEngine</c>.</summary>
/// <param name="ActualClass">The image's class name.</param>
/// <param name="PredictedClass">The predicted class name.</param>
/// <param name="Confidence">The predicted class's probability.</param>
public sealed record ExamplePrediction(string ActualClass, string PredictedClass, float Confidence);
