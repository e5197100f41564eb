using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using SkiaSharp;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>
/// Draws one held-out image per class (columns) and, under the originals, each method's reconstruction of
/// them at k = 8 and k = 32 (or the smallest and largest latent sizes run when those are missing).
/// </summary>
public static class ImageGrid
{
    private const int Scale = 3;
    private const int Cell = FashionMnist.ImageSide * Scale;
    private const int Gap = 6;
    private const int LabelWidth = 190;
    private const int HeaderHeight = 30;

    /// <summary>The latent sizes shown: 8 and 32 when run, else the smallest and the largest.</summary>
    public static IReadOnlyList<int> LatentSizesShown(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var all = result.LatentDimensions;
        var preferred = new[] { 8, 32 }.Where(all.Contains).ToArray();
        return preferred.Length == 2 ? preferred : new[] { all[0], all[^1] }.Distinct().ToArray();
    }

    /// <summary>Renders the grid as a PNG.</summary>
    public static byte[] Render(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<(string Label, float[] Pixels)> { ("Original", result.SampleImages) };
        foreach (int k in LatentSizesShown(result))
        {
            foreach (string method in result.MethodNames)
            {
                if (result.Find(method, k) is { } row)
                    rows.Add((string.Create(CultureInfo.InvariantCulture, $"{method}, k = {k}"), row.SampleReconstructions));
            }
        }

        int columns = result.SampleLabels.Length;
        int width = LabelWidth + columns * (Cell + Gap) + Gap;
        int height = HeaderHeight + rows.Count * (Cell + Gap) + Gap;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName(PlotStyle.FontFamily) ?? SKTypeface.Default;
        using var labelText = new SKPaint { Color = SKColors.Black, IsAntialias = true, Typeface = typeface, TextSize = 15 };
        using var headerText = new SKPaint { Color = SKColors.Black, IsAntialias = true, Typeface = typeface, TextSize = 12 };
        using var pixelated = new SKPaint { FilterQuality = SKFilterQuality.None };

        for (int c = 0; c < columns; c++)
        {
            string name = FashionMnist.ClassNames[result.SampleLabels[c]];
            float x = LabelWidth + c * (Cell + Gap) + Cell / 2f;
            canvas.DrawText(name, x - headerText.MeasureText(name) / 2, HeaderHeight - 10, headerText);
        }

        for (int r = 0; r < rows.Count; r++)
        {
            int y = HeaderHeight + r * (Cell + Gap);
            canvas.DrawText(rows[r].Label, Gap, y + Cell / 2f + 5, labelText);
            for (int c = 0; c < columns; c++)
            {
                using var image = ToBitmap(rows[r].Pixels.AsSpan(c * FashionMnist.PixelCount, FashionMnist.PixelCount));
                var destination = SKRect.Create(LabelWidth + c * (Cell + Gap), y, Cell, Cell);
                canvas.DrawBitmap(image, destination, pixelated);
            }
        }

        return PlotStyle.Encode(surface);
    }

    /// <summary>A 28 x 28 grey bitmap; values are clamped to [0, 1] (PCA's reconstructions can stray outside).</summary>
    private static SKBitmap ToBitmap(ReadOnlySpan<float> pixels)
    {
        var bitmap = new SKBitmap(FashionMnist.ImageSide, FashionMnist.ImageSide, SKColorType.Gray8, SKAlphaType.Opaque);
        var bytes = new byte[FashionMnist.PixelCount];
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)Math.Round(255 * Math.Clamp(pixels[i], 0f, 1f));
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }
}
