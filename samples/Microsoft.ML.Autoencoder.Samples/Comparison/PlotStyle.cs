using System;
using System.Collections.Generic;
using System.IO;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using SkiaSharp;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>The look shared by every plot (fonts, colours per method and class) and PNG rendering.</summary>
internal static class PlotStyle
{
    public const string FontFamily = "DejaVu Sans";

    // Colour-blind-friendly (Okabe-Ito) colours for the methods, in the order they are listed.
    private static readonly OxyColor[] MethodColors =
    [
        OxyColor.FromRgb(0, 114, 178), OxyColor.FromRgb(213, 94, 0), OxyColor.FromRgb(0, 158, 115),
        OxyColor.FromRgb(204, 121, 167), OxyColor.FromRgb(230, 159, 0), OxyColor.FromRgb(86, 180, 233),
    ];

    private static readonly MarkerType[] MethodMarkers = [MarkerType.Circle, MarkerType.Square, MarkerType.Diamond, MarkerType.Triangle, MarkerType.Cross, MarkerType.Star];

    // Matplotlib's "tab10", one colour per Fashion-MNIST class.
    private static readonly OxyColor[] ClassColors =
    [
        OxyColor.Parse("#1f77b4"), OxyColor.Parse("#ff7f0e"), OxyColor.Parse("#2ca02c"), OxyColor.Parse("#d62728"), OxyColor.Parse("#9467bd"),
        OxyColor.Parse("#8c564b"), OxyColor.Parse("#e377c2"), OxyColor.Parse("#7f7f7f"), OxyColor.Parse("#bcbd22"), OxyColor.Parse("#17becf"),
    ];

    public static OxyColor MethodColor(int index) => MethodColors[index % MethodColors.Length];

    public static MarkerType MethodMarker(int index) => MethodMarkers[index % MethodMarkers.Length];

    public static OxyColor ClassColor(int label) => ClassColors[label % ClassColors.Length];

    public static PlotModel CreateModel(string title, string? subtitle = null) => new()
    {
        Title = title,
        Subtitle = subtitle,
        DefaultFont = FontFamily,
        DefaultFontSize = 13,
        TitleFontSize = 15,
        SubtitleFontSize = 12,
        Background = OxyColors.White,
        PlotAreaBorderColor = OxyColors.Gray,
    };

    public static Legend CreateLegend(LegendPosition position = LegendPosition.TopRight, bool outside = false) => new()
    {
        LegendPosition = position,
        LegendPlacement = outside ? LegendPlacement.Outside : LegendPlacement.Inside,
        LegendBackground = OxyColor.FromAColor(220, OxyColors.White),
        LegendBorder = OxyColors.LightGray,
        LegendFontSize = 12,
    };

    /// <summary>A base-2 logarithmic x axis for latent sizes (ticks at 2, 4, 8, ...).</summary>
    public static Axis LatentAxis(IReadOnlyList<int> latentDimensions) => new LogarithmicAxis
    {
        Position = AxisPosition.Bottom,
        Base = 2,
        Title = "latent size k (numbers per image)",
        Minimum = latentDimensions[0] / 1.4,
        Maximum = latentDimensions[^1] * 1.4,
        MajorGridlineStyle = LineStyle.Dot,
        MajorGridlineColor = OxyColors.LightGray,
        MinorTickSize = 0,
    };

    public static LinearAxis ValueAxis(string title, AxisPosition position = AxisPosition.Left) => new()
    {
        Position = position,
        Title = title,
        MajorGridlineStyle = LineStyle.Dot,
        MajorGridlineColor = OxyColors.LightGray,
    };

    public static byte[] ToPng(PlotModel model, int width, int height)
    {
        using var stream = new MemoryStream();
        OxyPlot.SkiaSharp.PngExporter.Export(model, stream, width, height);
        return stream.ToArray();
    }

    /// <summary>Places rendered panels side by side on one white PNG.</summary>
    public static byte[] SideBySide(IReadOnlyList<(PlotModel Model, int Width)> panels, int height)
    {
        int width = 0;
        foreach (var panel in panels)
            width += panel.Width;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        int x = 0;
        foreach (var (model, panelWidth) in panels)
        {
            using var bitmap = SKBitmap.Decode(ToPng(model, panelWidth, height));
            surface.Canvas.DrawBitmap(bitmap, x, 0);
            x += panelWidth;
        }

        return Encode(surface);
    }

    /// <summary>
    /// Places equally sized panels in a grid of <paramref name="columns"/> columns, with a legend strip of the
    /// Fashion-MNIST classes underneath (one legend for all panels).
    /// </summary>
    public static byte[] GridWithClassLegend(IReadOnlyList<PlotModel> panels, int columns, int panelWidth, int panelHeight, IReadOnlyList<string> classNames)
    {
        const int legendHeight = 40;
        int rows = (panels.Count + columns - 1) / columns;
        int width = Math.Min(columns, panels.Count) * panelWidth;
        using var surface = SKSurface.Create(new SKImageInfo(width, rows * panelHeight + legendHeight));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Count; i++)
        {
            using var bitmap = SKBitmap.Decode(ToPng(panels[i], panelWidth, panelHeight));
            canvas.DrawBitmap(bitmap, i % columns * panelWidth, i / columns * panelHeight);
        }

        using var typeface = SKTypeface.FromFamilyName(FontFamily) ?? SKTypeface.Default;
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true, Typeface = typeface, TextSize = 14 };
        using var dot = new SKPaint { IsAntialias = true };
        const float radius = 6, spacing = 26;
        float total = 0;
        foreach (string name in classNames)
            total += 2 * radius + 6 + text.MeasureText(name) + spacing;
        float x = Math.Max(10, (width - total + spacing) / 2), y = rows * panelHeight + legendHeight / 2f;
        for (int label = 0; label < classNames.Count; label++)
        {
            var color = ClassColor(label);
            dot.Color = new SKColor(color.R, color.G, color.B);
            canvas.DrawCircle(x + radius, y, radius, dot);
            canvas.DrawText(classNames[label], x + 2 * radius + 6, y + 5, text);
            x += 2 * radius + 6 + text.MeasureText(classNames[label]) + spacing;
        }

        return Encode(surface);
    }

    public static byte[] Encode(SKSurface surface)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray() ?? throw new InvalidOperationException("SkiaSharp could not encode the PNG.");
    }
}
