using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Samples.Data;

/// <summary>One Fashion-MNIST image as an ML.NET row.</summary>
public sealed class FashionMnistImage
{
    /// <summary>The 28 x 28 pixels, row by row, scaled to [0, 1] (0 is background).</summary>
    [VectorType(FashionMnist.PixelCount)]
    public float[] Features { get; set; } = [];

    /// <summary>
    /// The class index, 0 to 9 (see <see cref="FashionMnist.ClassNames"/>). ML.NET's multiclass trainers
    /// need a key: map it with <c>mlContext.Transforms.Conversion.MapValueToKey("Label")</c>.
    /// </summary>
    public uint Label { get; set; }
}
