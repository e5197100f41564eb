using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>
/// The comparison's plots as PNG images (OxyPlot, rendered with SkiaSharp, no display needed). Each method keeps
/// its colour and marker in every plot.
/// </summary>
public static class ComparisonPlots
{
    private const int PanelHeight = 480;

    /// <summary>Every plot with the file name the report gives it, in reading order.</summary>
    public static IReadOnlyList<(string FileName, string Title, byte[] Png)> All(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plots = new List<(string, string, byte[])>
        {
            ("reconstruction-error.png", "Held-out reconstruction error vs latent size", ReconstructionError(result)),
            ("reconstructions.png", "Originals and reconstructions", ImageGrid.Render(result)),
        };
        if (result.Classification.Count > 0)
            plots.Add(("classification-accuracy.png", "Classification accuracy on codes vs raw pixels", ClassificationAccuracy(result)));
        if (result.Methods.Any(row => row.MapCodes is not null))
            plots.Add(("latent-maps.png", "2-D codes of the held-out images", LatentMaps(result)));
        if (result.TrainingSizes.Count > 0)
            plots.Add(("training-size.png", "Reconstruction error vs number of training images", TrainingSize(result)));
        plots.Add(("time.png", "Fit and transform time", Time(result)));
        return plots;
    }

    /// <summary>Held-out mean squared error against latent size, one line per method.</summary>
    public static byte[] ReconstructionError(ComparisonResult result)
    {
        var model = PlotStyle.CreateModel(
            "Held-out reconstruction error (lower is better)",
            F($"{result.HeldOutCount} held-out images, {result.TrainCount} training images; predicting the mean image scores {result.MeanImageError:F4}"));
        model.Axes.Add(PlotStyle.LatentAxis(result.LatentDimensions));
        model.Axes.Add(PlotStyle.ValueAxis("mean squared error per pixel"));
        AddMethodLines(model, result, (method, k) => result.Find(method, k)?.HeldOutMeanSquaredError);
        model.Legends.Add(PlotStyle.CreateLegend());
        return PlotStyle.ToPng(model, 800, PanelHeight);
    }

    /// <summary>Held-out accuracy against latent size, one panel per classifier, raw pixels as a dashed line.</summary>
    public static byte[] ClassificationAccuracy(ComparisonResult result)
    {
        double low = result.Classification.Min(row => row.Accuracy) * 100, high = result.Classification.Max(row => row.Accuracy) * 100;
        var panels = result.Options.Classifiers.Select(classifier =>
        {
            var model = PlotStyle.CreateModel($"{classifier} (higher is better)", F($"trained on {result.TrainCount} images, scored on {result.HeldOutCount} held out"));
            model.Axes.Add(PlotStyle.LatentAxis(result.LatentDimensions));
            var accuracyAxis = PlotStyle.ValueAxis("held-out accuracy (%)");
            accuracyAxis.Minimum = Math.Floor(low / 5) * 5;
            accuracyAxis.Maximum = Math.Min(100, Math.Ceiling(high / 5) * 5 + 2);
            model.Axes.Add(accuracyAxis);
            if (result.Accuracy(ComparisonResult.RawPixels, FashionMnist.PixelCount, classifier) is double raw)
            {
                var line = new LineSeries { Title = "raw pixels (784 values)", Color = OxyColors.Black, LineStyle = LineStyle.Dash, StrokeThickness = 1.5 };
                line.Points.Add(new DataPoint(result.LatentDimensions[0] / 1.4, raw * 100));
                line.Points.Add(new DataPoint(result.LatentDimensions[^1] * 1.4, raw * 100));
                model.Series.Add(line);
            }

            AddMethodLines(model, result, (method, k) => result.Accuracy(method, k, classifier) * 100);
            model.Legends.Add(PlotStyle.CreateLegend(LegendPosition.BottomRight));
            return (model, 640);
        }).ToArray();
        return PlotStyle.SideBySide(panels, PanelHeight);
    }

    /// <summary>The held-out images' 2-D codes (k = 2), one panel per method, coloured by class.</summary>
    public static byte[] LatentMaps(ComparisonResult result)
    {
        var maps = result.MethodNames.Select(method => result.Find(method, 2)).Where(row => row?.MapCodes is not null).ToArray();
        if (maps.Length == 0)
            throw new InvalidOperationException("The result has no 2-D codes: run the comparison with latent size 2.");
        var panels = new List<PlotModel>();
        foreach (var row in maps)
        {
            var model = PlotStyle.CreateModel($"{row!.Method}, k = 2", $"{result.MapLabels.Length} held-out images, colour = true class");
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "code value 1" });
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "code value 2" });
            for (int label = 0; label < FashionMnist.ClassNames.Count; label++)
            {
                var series = new ScatterSeries
                {
                    Title = FashionMnist.ClassNames[label],
                    MarkerType = MarkerType.Circle,
                    MarkerSize = 2.5,
                    MarkerFill = OxyColor.FromAColor(180, PlotStyle.ClassColor(label)),
                };
                for (int i = 0; i < result.MapLabels.Length; i++)
                {
                    if (result.MapLabels[i] == label)
                        series.Points.Add(new ScatterPoint(row.MapCodes![2 * i], row.MapCodes[2 * i + 1]));
                }

                model.Series.Add(series);
            }

            panels.Add(model);
        }

        return PlotStyle.GridWithClassLegend(panels, columns: Math.Min(2, panels.Count), panelWidth: 620, panelHeight: 520, FashionMnist.ClassNames);
    }

    /// <summary>Held-out error against the number of training images (log scale), one line per method.</summary>
    public static byte[] TrainingSize(ComparisonResult result)
    {
        var model = PlotStyle.CreateModel(
            F($"Reconstruction error vs training-set size, k = {result.Options.TrainingSizeLatentDimension}"),
            "autoencoders get the same gradient-step budget at every size; scored on all held-out images");
        model.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Bottom,
            Title = "training images (log scale)",
            MajorGridlineStyle = LineStyle.Dot,
            MajorGridlineColor = OxyColors.LightGray,
            MinorGridlineStyle = LineStyle.Dot,
            MinorGridlineColor = OxyColor.FromRgb(240, 240, 240),
        });
        model.Axes.Add(PlotStyle.ValueAxis("held-out mean squared error per pixel"));
        for (int m = 0; m < result.MethodNames.Count; m++)
        {
            var series = MethodSeries(result.MethodNames[m], m);
            foreach (var row in result.TrainingSizes.Where(row => row.Method == result.MethodNames[m]).OrderBy(row => row.TrainCount))
                series.Points.Add(new DataPoint(row.TrainCount, row.HeldOutMeanSquaredError));
            if (series.Points.Count > 0)
                model.Series.Add(series);
        }

        model.Legends.Add(PlotStyle.CreateLegend());
        return PlotStyle.ToPng(model, 800, PanelHeight);
    }

    /// <summary>Fit time and held-out transform time against latent size (log scale), one line per method.</summary>
    public static byte[] Time(ComparisonResult result)
    {
        PlotModel Panel(string title, string subtitle, Func<MethodResult, double> seconds)
        {
            var model = PlotStyle.CreateModel(title, subtitle);
            model.Axes.Add(PlotStyle.LatentAxis(result.LatentDimensions));
            model.Axes.Add(new LogarithmicAxis
            {
                Position = AxisPosition.Left,
                Title = "seconds (log scale)",
                MajorGridlineStyle = LineStyle.Dot,
                MajorGridlineColor = OxyColors.LightGray,
                MinorGridlineStyle = LineStyle.Dot,
                MinorGridlineColor = OxyColor.FromRgb(240, 240, 240),
            });
            AddMethodLines(model, result, (method, k) => result.Find(method, k) is { } row ? Math.Max(seconds(row), 1e-3) : null);
            model.Legends.Add(PlotStyle.CreateLegend(LegendPosition.TopLeft));
            return model;
        }

        return PlotStyle.SideBySide(
        [
            (Panel("Fit time", F($"{result.TrainCount} training images"), row => row.FitTime.TotalSeconds), 600),
            (Panel("Transform time", F($"encode + decode {result.HeldOutCount} held-out images"), row => row.TransformTime.TotalSeconds), 600),
        ], PanelHeight);
    }

    private static void AddMethodLines(PlotModel model, ComparisonResult result, Func<string, int, double?> value)
    {
        for (int m = 0; m < result.MethodNames.Count; m++)
        {
            var series = MethodSeries(result.MethodNames[m], m);
            foreach (int k in result.LatentDimensions)
            {
                if (value(result.MethodNames[m], k) is double y)
                    series.Points.Add(new DataPoint(k, y));
            }

            model.Series.Add(series);
        }
    }

    private static LineSeries MethodSeries(string method, int index) => new()
    {
        Title = method,
        Color = PlotStyle.MethodColor(index),
        MarkerType = PlotStyle.MethodMarker(index),
        MarkerFill = PlotStyle.MethodColor(index),
        MarkerSize = 5,
        StrokeThickness = 2,
    };

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
