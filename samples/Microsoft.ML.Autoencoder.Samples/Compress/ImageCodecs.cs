using System;
using System.IO;
using System.IO.Compression;
using Microsoft.ML.Autoencoder.Samples.Data;
using SkiaSharp;

namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>
/// The standard codecs, one 28 x 28 8-bit grayscale image at a time (one file or message per image): PNG (lossless),
/// gzip and Brotli of the 784 raw bytes (lossless, System.IO.Compression), JPEG and WebP (lossy, SkiaSharp).
/// </summary>
internal static class ImageCodecs
{
    private const int Side = FashionMnist.ImageSide;

    /// <summary>An image's pixels (in [0, 1], multiples of 1/255 in Fashion-MNIST) as 8-bit values.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> image)
    {
        var bytes = new byte[image.Length];
        for (int i = 0; i < image.Length; i++)
            bytes[i] = (byte)Math.Clamp(Math.Round(image[i] * 255), 0, 255);
        return bytes;
    }

    /// <summary>Encodes a grayscale image with SkiaSharp (PNG, JPEG or WebP) at <paramref name="quality"/>.</summary>
    public static byte[] Encode(byte[] pixels, SKEncodedImageFormat format, int quality)
    {
        var info = new SKImageInfo(Side, Side, SKColorType.Gray8, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, pixels, Side)
            ?? throw new InvalidOperationException("SkiaSharp could not wrap the pixels.");
        using var data = image.Encode(format, quality);
        if (data is not null)
            return data.ToArray();
        // Some encoders take colour images only: encode the gray image as RGBA.
        using var bitmap = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
            canvas.DrawImage(image, 0, 0);
        using var colour = bitmap.PeekPixels().Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode {format}.");
        return colour.ToArray();
    }

    /// <summary>Decodes an image encoded by <see cref="Encode"/> back to 8-bit gray values (a colour decode's red channel, which equals the others for gray input).</summary>
    public static byte[] Decode(byte[] encoded)
    {
        using var bitmap = SKBitmap.Decode(encoded)
            ?? throw new InvalidOperationException("SkiaSharp could not decode the image.");
        if (bitmap.Width != Side || bitmap.Height != Side)
            throw new InvalidOperationException($"The decoded image is {bitmap.Width} x {bitmap.Height}, not {Side} x {Side}.");
        var pixels = new byte[Side * Side];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
                pixels[y * Side + x] = bitmap.GetPixel(x, y).Red;
        return pixels;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(bytes);
        return output.ToArray();
    }

    public static byte[] Brotli(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            brotli.Write(bytes);
        return output.ToArray();
    }

    /// <summary>The mean squared error between an image in [0, 1] and 8-bit values.</summary>
    public static double MeanSquaredError(ReadOnlySpan<float> image, byte[] decoded)
    {
        double sum = 0;
        for (int i = 0; i < image.Length; i++)
        {
            double difference = image[i] - decoded[i] / 255.0;
            sum += difference * difference;
        }

        return sum / image.Length;
    }
}
