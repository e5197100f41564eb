using System;
using System.Collections.Generic;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>
/// Images kept as their original bytes and served to ML.NET as float rows in [0, 1] on the fly, as a
/// file-backed loader would: the benchmark's data source holds no float copy of the data set.
/// </summary>
internal sealed class StreamingImages
{
    private readonly byte[] _pixels;

    public StreamingImages(byte[] pixels)
    {
        _pixels = pixels;
        Count = pixels.Length / Row.Size;
    }

    public int Count { get; }

    public IDataView ToDataView(MLContext ml) => ml.Data.LoadFromEnumerable(Rows());

    /// <summary>The images as one float array, for the in-memory encode baseline.</summary>
    public float[] ToFloats()
    {
        var values = new float[_pixels.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = _pixels[i] / 255f;
        return values;
    }

    private IEnumerable<Row> Rows()
    {
        for (int i = 0; i < Count; i++)
        {
            var features = new float[Row.Size];
            for (int j = 0; j < Row.Size; j++)
                features[j] = _pixels[i * Row.Size + j] / 255f;
            yield return new Row { Features = features };
        }
    }

    /// <summary>One image row.</summary>
    public sealed class Row
    {
        public const int Size = 784;

        [VectorType(Size)]
        public float[] Features { get; set; } = Array.Empty<float>();
    }
}
