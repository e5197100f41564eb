using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>The rate-distortion plots (OxyPlot, rendered to PNG): one line per method, lossless codecs as vertical lines.</summary>
internal static class CompressionPlots
{
    // Eight curves: the Okabe-Ito palette's eight colours (black for the last), each with its own marker.
    private static readonly OxyColor[] Colors =
    [
        OxyColor.FromRgb(0, 114, 178), OxyColor.FromRgb(213, 94, 0), OxyColor.FromRgb(0, 158, 115), OxyColor.FromRgb(204, 121, 167),
        OxyColor.FromRgb(230, 159, 0), OxyColor.FromRgb(86, 180, 233), OxyColor.FromRgb(240, 228, 66), OxyColors.Black,
    ];

    private static readonly MarkerType[] Markers =
        [MarkerType.Circle, MarkerType.Square, MarkerType.Diamond, MarkerType.Triangle, MarkerType.Circle, MarkerType.Square, MarkerType.Diamond, MarkerType.Triangle];

    /// <summary>Held-out MSE (log scale) or PSNR against bytes per image (log scale).</summary>
    public static byte[] RateDistortion(CompressionResult result, bool psnr)
    {
        var model = PlotStyle.CreateModel(
            psnr ? "Rate-distortion: PSNR (higher is better)" : "Rate-distortion: mean squared error (lower is better)",
            $"{result.HeldOutCount} held-out Fashion-MNIST images; learned methods trained on {result.TrainCount}; dashed: lossless codecs");
        var lossy = result.Points.Where(p => !p.IsLossless && !p.Family.EndsWith("float32", StringComparison.Ordinal)).ToList();
        double low = lossy.Min(p => p.BytesPerImage), high = result.Points.Max(p => p.BytesPerImage);
        model.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Bottom,
            Title = "bytes per image",
            Minimum = low / 1.3,
            Maximum = high * 1.3,
            MajorGridlineStyle = LineStyle.Dot,
            MajorGridlineColor = OxyColors.LightGray,
        });
        Axis valueAxis = psnr
            ? PlotStyle.ValueAxis("PSNR (dB, peak 1)")
            : new LogarithmicAxis { Position = AxisPosition.Left, Title = "held-out MSE per pixel", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray };
        model.Axes.Add(valueAxis);

        int index = 0;
        foreach (var family in lossy.GroupBy(p => p.Family))
        {
            var line = new LineSeries
            {
                Title = family.Key,
                Color = Colors[index % Colors.Length],
                MarkerType = Markers[index % Markers.Length],
                MarkerFill = Colors[index % Colors.Length],
                MarkerStroke = Colors[index % Colors.Length],
                MarkerSize = 4,
                StrokeThickness = 1.5,
                LineStyle = index >= Colors.Length ? LineStyle.Dash : LineStyle.Solid,
            };
            foreach (var point in family.OrderBy(p => p.BytesPerImage))
                line.Points.Add(new DataPoint(point.BytesPerImage, psnr ? point.Psnr : point.MeanSquaredError));
            model.Series.Add(line);
            index++;
        }

        foreach (var codec in result.Points.Where(p => p.IsLossless))
        {
            model.Annotations.Add(new LineAnnotation
            {
                Type = LineAnnotationType.Vertical,
                X = codec.BytesPerImage,
                Color = OxyColors.Gray,
                LineStyle = LineStyle.Dash,
                Text = $"{codec.Family} ({codec.Setting})",
                FontSize = 10,
                TextOrientation = AnnotationTextOrientation.Vertical,
            });
        }

        model.Legends.Add(PlotStyle.CreateLegend(LegendPosition.RightTop, outside: true));
        return PlotStyle.ToPng(model, 1200, 560);
    }
}
