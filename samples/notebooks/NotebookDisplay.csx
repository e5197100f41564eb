// Drawing helpers for the notebooks of this folder: line charts, a 2-D scatter map and an image grid as PNG (OxyPlot and
// SkiaSharp), and Show/ShowTable to display them inline. They draw only: every number they draw is computed in the
// notebook's own cells. Loaded with `#load "NotebookDisplay.csx"` after the cell that installs OxyPlot.SkiaSharp.
using System.IO;
using System.Linq;
using Microsoft.DotNet.Interactive;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using SkiaSharp;

const string PlotFont = "DejaVu Sans";

// Colour-blind-friendly (Okabe-Ito) series colours; matplotlib's tab10 for the ten classes.
readonly OxyColor[] SeriesColors =
[
    OxyColor.FromRgb(0, 114, 178), OxyColor.FromRgb(213, 94, 0), OxyColor.FromRgb(0, 158, 115),
    OxyColor.FromRgb(204, 121, 167), OxyColor.FromRgb(230, 159, 0), OxyColor.FromRgb(86, 180, 233),
];
readonly OxyColor[] ClassColors = new[]
{
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
}.Select(OxyColor.Parse).ToArray();

/// <summary>Displays a PNG inline.</summary>
void Show(byte[] png) => KernelInvocationContext.Current.DisplayAs(Convert.ToBase64String(png), "image/png");

/// <summary>Displays an HTML table.</summary>
void ShowTable(IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows)
{
    string Cells(IEnumerable<string> cells, string tag) => string.Concat(cells.Select(cell => $"<{tag}>{System.Net.WebUtility.HtmlEncode(cell)}</{tag}>"));
    string html = "<table><tr>" + Cells(header, "th") + "</tr>" + string.Concat(rows.Select(row => "<tr>" + Cells(row, "td") + "</tr>")) + "</table>";
    KernelInvocationContext.Current.DisplayAs(html, "text/html");
}

PlotModel NewPlot(string title) => new()
{
    Title = title, DefaultFont = PlotFont, DefaultFontSize = 13, TitleFontSize = 15, Background = OxyColors.White, PlotAreaBorderColor = OxyColors.Gray,
};

byte[] ToPng(PlotModel model, int width = 720, int height = 430)
{
    using var stream = new MemoryStream();
    new OxyPlot.SkiaSharp.PngExporter { Width = width, Height = height }.Export(model, stream);
    return stream.ToArray();
}

/// <summary>One line per series over the latent sizes (log-2 axis), optional dashed horizontal reference lines.</summary>
byte[] LinePlot(string title, string yTitle, IReadOnlyDictionary<string, (int K, double Value)[]> series, IReadOnlyDictionary<string, double>? references = null)
{
    var model = NewPlot(title);
    model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside, LegendFont = PlotFont });
    int[] ks = series.Values.SelectMany(points => points.Select(point => point.K)).Distinct().Order().ToArray();
    model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Bottom, Base = 2, Title = "latent size k", Minimum = ks[0] / 1.3, Maximum = ks[^1] * 1.3, MajorGridlineStyle = LineStyle.Dot });
    model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = yTitle, MajorGridlineStyle = LineStyle.Dot });
    int index = 0;
    foreach (var (name, points) in series)
    {
        var color = SeriesColors[index++ % SeriesColors.Length];
        var line = new LineSeries { Title = name, Color = color, MarkerType = MarkerType.Circle, MarkerFill = color, StrokeThickness = 2 };
        line.Points.AddRange(points.Select(point => new DataPoint(point.K, point.Value)));
        model.Series.Add(line);
    }

    foreach (var (name, value) in references ?? new Dictionary<string, double>())
    {
        var line = new LineSeries { Title = name, Color = OxyColors.Gray, LineStyle = LineStyle.Dash };
        line.Points.Add(new DataPoint(ks[0] / 1.3, value));
        line.Points.Add(new DataPoint(ks[^1] * 1.3, value));
        model.Series.Add(line);
    }

    return ToPng(model);
}

/// <summary>Side-by-side scatter maps of 2-D codes, coloured by class.</summary>
byte[] ScatterMaps(IReadOnlyList<(string Title, float[][] Codes)> maps, uint[] labels, IReadOnlyList<string> classNames)
{
    const int panel = 430;
    var info = new SKImageInfo(panel * maps.Count, panel + 60);
    using var surface = SKSurface.Create(info);
    surface.Canvas.Clear(SKColors.White);
    for (int m = 0; m < maps.Count; m++)
    {
        var model = NewPlot(maps[m].Title);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "code[0]" });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "code[1]" });
        for (int c = 0; c < classNames.Count; c++)
        {
            var points = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 2, MarkerFill = ClassColors[c] };
            points.Points.AddRange(maps[m].Codes.Where((_, i) => labels[i] == c).Select(code => new ScatterPoint(code[0], code[1])));
            model.Series.Add(points);
        }

        using var image = SKBitmap.Decode(ToPng(model, panel, panel));
        surface.Canvas.DrawBitmap(image, m * panel, 0);
    }

    using var paint = new SKPaint { IsAntialias = true, Typeface = SKTypeface.FromFamilyName(PlotFont), TextSize = 13 };
    float x = 10;
    for (int c = 0; c < classNames.Count; c++)
    {
        paint.Color = new SKColor(ClassColors[c].R, ClassColors[c].G, ClassColors[c].B);
        surface.Canvas.DrawCircle(x + 5, panel + 25, 5, paint);
        paint.Color = SKColors.Black;
        surface.Canvas.DrawText(classNames[c], x + 14, panel + 30, paint);
        x += 20 + paint.MeasureText(classNames[c]);
    }

    using var snapshot = surface.Snapshot();
    return snapshot.Encode(SKEncodedImageFormat.Png, 100).ToArray();
}

/// <summary>Rows of 28 x 28 grey images (pixels in [0, 1], clipped), each row labelled.</summary>
byte[] ImageGrid(IReadOnlyList<(string Label, float[][] Images)> rows, int side = 28, int scale = 3)
{
    const int labelWidth = 150;
    int cell = side * scale + 4;
    int columns = rows.Max(row => row.Images.Length);
    using var surface = SKSurface.Create(new SKImageInfo(labelWidth + columns * cell, rows.Count * cell));
    surface.Canvas.Clear(SKColors.White);
    using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black, Typeface = SKTypeface.FromFamilyName(PlotFont), TextSize = 13 };
    for (int r = 0; r < rows.Count; r++)
    {
        surface.Canvas.DrawText(rows[r].Label, 6, r * cell + cell / 2 + 5, text);
        for (int c = 0; c < rows[r].Images.Length; c++)
        {
            using var bitmap = new SKBitmap(side, side, SKColorType.Gray8, SKAlphaType.Opaque);
            var pixels = rows[r].Images[c];
            for (int i = 0; i < side * side; i++)
            {
                byte grey = (byte)Math.Round(255 * (1 - Math.Clamp(pixels[i], 0f, 1f))); // dark garments on white
                bitmap.SetPixel(i % side, i / side, new SKColor(grey, grey, grey));
            }

            surface.Canvas.DrawBitmap(bitmap, new SKRect(labelWidth + c * cell + 2, r * cell + 2, labelWidth + c * cell + 2 + side * scale, r * cell + 2 + side * scale));
        }
    }

    using var snapshot = surface.Snapshot();
    return snapshot.Encode(SKEncodedImageFormat.Png, 100).ToArray();
}
