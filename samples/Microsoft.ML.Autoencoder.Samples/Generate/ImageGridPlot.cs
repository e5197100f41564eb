using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;

namespace Microsoft.ML.Autoencoder.Samples.Generate;

/// <summary>
/// Draws Fashion-MNIST-sized images as a titled grid with OxyPlot: one <see cref="ImageAnnotation"/> per
/// 28 x 28 tile (enlarged without smoothing), a label left of each row and optional headers above the
/// columns, rendered to PNG by OxyPlot.SkiaSharp.
/// </summary>
/// <remarks>
/// The plot's data coordinates are pixels of the grid, y pointing down, and the plot is Cartesian (one data
/// unit is as long on both axes), so the tiles stay square whatever the title's height.
/// </remarks>
public static class ImageGridPlot
{
    /// <summary>How many screen pixels draw one image pixel.</summary>
    public const int Scale = 3;

    /// <summary>The side of a tile on screen, in pixels.</summary>
    public const int TileSide = FashionMnist.ImageSide * Scale;

    private const int Gap = 6;
    private const int Cell = TileSide + Gap;
    private const int Padding = 10;
    private const int HeaderHeight = 22;
    private const int TitleHeight = 36; // Title and subtitle above the plot area; the Cartesian plot absorbs any error.
    private const double TitleFontSize = 16;
    private const double SubtitleFontSize = 12;
    private const double LabelFontSize = 14;
    private const double HeaderFontSize = 12;
    private const string FontFamily = "DejaVu Sans";

    /// <summary>Renders the grid to PNG bytes.</summary>
    /// <param name="title">The title above the grid.</param>
    /// <param name="subtitle">A line under the title, or <see langword="null"/>.</param>
    /// <param name="columnHeaders">A header per column, or <see langword="null"/> for none.</param>
    /// <param name="rows">The rows, each with the same number of images.</param>
    /// <exception cref="ArgumentException">The rows are empty or hold different numbers of images, or the headers do not match the columns.</exception>
    public static byte[] Render(string title, string? subtitle, IReadOnlyList<string>? columnHeaders, IReadOnlyList<ImageGridRow> rows)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            throw new ArgumentException("A grid needs at least one row.", nameof(rows));
        int columns = rows[0].Pixels.Length / FashionMnist.PixelCount;
        if (columns == 0 || rows.Any(row => row.Pixels.Length != columns * FashionMnist.PixelCount))
            throw new ArgumentException($"Every row must hold the same positive number of {FashionMnist.PixelCount}-pixel images.", nameof(rows));
        if (columnHeaders is not null && columnHeaders.Count != columns)
            throw new ArgumentException($"{columnHeaders.Count} column headers for {columns} columns.", nameof(columnHeaders));

        int longestLabel = rows.Max(row => row.Label.Length);
        int labelWidth = longestLabel == 0 ? 0 : (int)(longestLabel * LabelFontSize * 0.56) + 2 * Gap;
        int headerHeight = columnHeaders is null ? 0 : HeaderHeight;
        int gridWidth = labelWidth + columns * Cell + Gap;
        int gridHeight = headerHeight + rows.Count * Cell + Gap;

        var model = new PlotModel
        {
            Title = title,
            Subtitle = subtitle,
            DefaultFont = FontFamily,
            TitleFontSize = TitleFontSize,
            SubtitleFontSize = SubtitleFontSize,
            Background = OxyColors.White,
            PlotType = PlotType.Cartesian,
            Padding = new OxyThickness(Padding),
            PlotMargins = new OxyThickness(0),
            PlotAreaBorderThickness = new OxyThickness(0),
        };
        model.Axes.Add(HiddenAxis(AxisPosition.Bottom, gridWidth, reversed: false));
        model.Axes.Add(HiddenAxis(AxisPosition.Left, gridHeight, reversed: true)); // y = 0 at the top.

        for (int c = 0; columnHeaders is not null && c < columns; c++)
        {
            model.Annotations.Add(Text(columnHeaders[c], labelWidth + c * Cell + Gap + TileSide / 2.0, headerHeight - 4, HeaderFontSize,
                HorizontalAlignment.Center, VerticalAlignment.Bottom));
        }

        for (int r = 0; r < rows.Count; r++)
        {
            double top = headerHeight + r * Cell + Gap;
            if (rows[r].Label.Length > 0)
                model.Annotations.Add(Text(rows[r].Label, labelWidth - Gap, top + TileSide / 2.0, LabelFontSize, HorizontalAlignment.Right, VerticalAlignment.Middle));
            for (int c = 0; c < columns; c++)
            {
                model.Annotations.Add(new ImageAnnotation
                {
                    ImageSource = ToImage(rows[r].Pixels.AsSpan(c * FashionMnist.PixelCount, FashionMnist.PixelCount)),
                    X = new PlotLength(labelWidth + c * Cell + Gap, PlotLengthUnit.Data),
                    Y = new PlotLength(top, PlotLengthUnit.Data),
                    Width = new PlotLength(TileSide, PlotLengthUnit.Data),
                    Height = new PlotLength(TileSide, PlotLengthUnit.Data),
                    HorizontalAlignment = HorizontalAlignment.Left,
                    VerticalAlignment = VerticalAlignment.Top,
                    Interpolate = false, // Nearest neighbour: the pixels stay sharp squares.
                });
            }
        }

        // Wide enough for the grid and for the title (estimated: OxyPlot clips text wider than the plot).
        int titleWidth = (int)(Math.Max(title.Length * TitleFontSize, (subtitle?.Length ?? 0) * SubtitleFontSize) * 0.62);
        int width = Math.Max(gridWidth, titleWidth) + 2 * Padding;
        int height = gridHeight + TitleHeight + (subtitle is null ? 0 : 18) + 2 * Padding;
        using var stream = new MemoryStream();
        OxyPlot.SkiaSharp.PngExporter.Export(model, stream, width, height);
        return stream.ToArray();
    }

    private static LinearAxis HiddenAxis(AxisPosition position, double length, bool reversed) => new()
    {
        Position = position,
        Minimum = 0,
        Maximum = length,
        MinimumPadding = 0,
        MaximumPadding = 0,
        StartPosition = reversed ? 1 : 0,
        EndPosition = reversed ? 0 : 1,
        IsAxisVisible = false,
        IsZoomEnabled = false,
        IsPanEnabled = false,
    };

    private static TextAnnotation Text(string text, double x, double y, double fontSize, HorizontalAlignment horizontal, VerticalAlignment vertical) => new()
    {
        Text = text,
        TextPosition = new DataPoint(x, y),
        FontSize = fontSize,
        TextHorizontalAlignment = horizontal,
        TextVerticalAlignment = vertical,
        Stroke = OxyColors.Undefined,
        StrokeThickness = 0,
        Padding = new OxyThickness(0),
    };

    /// <summary>A 28 x 28 grey PNG of one image (OxyPlot indexes pixels [x, y], [0, 0] at the top left).</summary>
    private static OxyImage ToImage(ReadOnlySpan<float> pixels)
    {
        var colors = new OxyColor[FashionMnist.ImageSide, FashionMnist.ImageSide];
        for (int y = 0; y < FashionMnist.ImageSide; y++)
        {
            for (int x = 0; x < FashionMnist.ImageSide; x++)
            {
                float value = pixels[y * FashionMnist.ImageSide + x];
                byte level = (byte)MathF.Round(255 * (float.IsNaN(value) ? 0 : Math.Clamp(value, 0f, 1f)));
                colors[x, y] = OxyColor.FromRgb(level, level, level);
            }
        }

        return OxyImage.Create(colors, ImageFormat.Png);
    }
}
