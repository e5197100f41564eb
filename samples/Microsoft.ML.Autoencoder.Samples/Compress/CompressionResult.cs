using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>Everything the <c>compress</c> command measured.</summary>
internal sealed class CompressionResult
{
    public required string DataSource { get; init; }

    public required int TrainCount { get; init; }

    public required int HeldOutCount { get; init; }

    /// <summary>Every rate-distortion point, in the order measured.</summary>
    public List<RatePoint> Points { get; } = [];

    /// <summary>
    /// The cheapest codec (no model) whose held-out error is at most <paramref name="point"/>'s, and the number of images
    /// from which the learned method's bytes plus its model are fewer than the codec's bytes (null when never).
    /// </summary>
    public (RatePoint Codec, long? BreakEvenImages) BreakEven(RatePoint point)
    {
        var codec = Points.Where(p => !p.IsLearned && p.MeanSquaredError <= point.MeanSquaredError).OrderBy(p => p.BytesPerImage).First();
        double saved = codec.BytesPerImage - point.BytesPerImage;
        long? images = saved <= 0 ? null : (long)System.Math.Floor(point.ModelBytes / saved) + 1;
        return (codec, images);
    }
}
