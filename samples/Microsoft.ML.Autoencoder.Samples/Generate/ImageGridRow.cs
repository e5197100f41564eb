namespace Microsoft.ML.Autoencoder.Samples.Generate;

/// <summary>One row of an <see cref="ImageGridPlot"/>: a label and 28 x 28 images, one after the other.</summary>
/// <param name="Label">The text left of the row; empty for none.</param>
/// <param name="Pixels">The images, row-major, 784 values in [0, 1] each (values outside are clamped); 0 is drawn black.</param>
public sealed record ImageGridRow(string Label, float[] Pixels);
