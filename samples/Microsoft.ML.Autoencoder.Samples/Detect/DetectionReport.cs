using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>Writes the <c>detect</c> report: report.md with the tables, ROC curves and score histograms (OxyPlot PNGs).</summary>
internal static class DetectionReport
{
    public const string ReportFileName = "report.md";

    public static IReadOnlyList<string> Write(DetectionResult result, DetectOptions options, string directory, string commandLine, TimeSpan elapsed)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        var lines = new List<string>
        {
            "# Anomaly detection: the autoencoder detector, RandomizedPca and PyOD",
            "",
            $"Command: `{commandLine}` ({elapsed.TotalMinutes:F1} min, {Environment.ProcessorCount} cores, {options.Threads} libtorch thread(s), seed {options.Seed}).",
            "",
            "Data:",
        };
        lines.AddRange(result.DataSets.Select(entry => $"- {entry.Key}: {entry.Value}"));
        lines.AddRange(DetectionTables.Markdown(result, options));

        foreach (var dataSet in result.Runs.Where(r => r.Scores is not null).Select(r => r.DataSet).Distinct().ToList())
        {
            var runs = result.Runs.Where(r => r.DataSet == dataSet && r.Scores is not null).ToList();
            string slug = dataSet.Replace('/', '-').Replace(' ', '-').Replace("'", "");
            string roc = $"roc-{slug}.png";
            File.WriteAllBytes(Path.Combine(directory, roc), PlotStyle.ToPng(RocPlot(dataSet, runs), 560, 480));
            lines.Add("");
            lines.Add($"![ROC curves on {dataSet}, first run]({roc})");
            files.Add(roc);
            var detector = runs.First(r => r.Method == OutlierBenchmark.Detector);
            string histogram = $"histogram-{slug}.png";
            File.WriteAllBytes(Path.Combine(directory, histogram), PlotStyle.ToPng(HistogramPlot(dataSet, detector), 640, 420));
            lines.Add($"![Score histogram on {dataSet} with the detector's threshold]({histogram})");
            files.Add(histogram);
        }

        File.WriteAllLines(Path.Combine(directory, ReportFileName), lines);
        files.Add(ReportFileName);
        return files;
    }

    /// <summary>ROC curves of every method on the first run of a data set.</summary>
    private static PlotModel RocPlot(string dataSet, IReadOnlyList<RunResult> runs)
    {
        var model = PlotStyle.CreateModel($"ROC: {dataSet}", "first run; test rows");
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "false-positive rate", Minimum = 0, Maximum = 1, MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "true-positive rate (outliers found)", Minimum = 0, Maximum = 1, MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        model.Legends.Add(PlotStyle.CreateLegend(OxyPlot.Legends.LegendPosition.BottomRight));
        for (int m = 0; m < runs.Count; m++)
        {
            var run = runs[m];
            var series = new LineSeries { Title = $"{run.Method} (AUC {run.Auc:F3})", Color = PlotStyle.MethodColor(m), StrokeThickness = 2 };
            foreach (var (fpr, tpr) in Roc(run.Scores!, run.IsOutlier!))
            {
                series.Points.Add(new DataPoint(fpr, tpr));
            }

            model.Series.Add(series);
        }

        model.Series.Add(new LineSeries { Title = "chance", Color = OxyColors.Gray, LineStyle = LineStyle.Dash, Points = { new DataPoint(0, 0), new DataPoint(1, 1) } });
        return model;
    }

    /// <summary>Histograms of the detector's test scores (log scale), normal rows and outliers apart, with its threshold.</summary>
    private static PlotModel HistogramPlot(string dataSet, RunResult run)
    {
        var model = PlotStyle.CreateModel($"Detector scores: {dataSet}", $"first run; test rows; the default threshold {run.Threshold:G4}, fitted on the training scores");
        var logs = run.Scores!.Select(s => Math.Log10(Math.Max(s, 1e-12))).ToArray();
        double low = logs.Min(), high = Math.Max(logs.Max(), Math.Log10(run.Threshold)) + 1e-9;
        const int bins = 60;
        double width = (high - low) / bins;
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "log10(score)", MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "rows", Minimum = 0, MajorGridlineStyle = LineStyle.Dot, MajorGridlineColor = OxyColors.LightGray });
        model.Legends.Add(PlotStyle.CreateLegend());
        for (int group = 0; group < 2; group++)
        {
            bool outliers = group == 1;
            var counts = new int[bins];
            for (int i = 0; i < logs.Length; i++)
            {
                if (run.IsOutlier![i] == outliers)
                {
                    counts[Math.Min(bins - 1, (int)((logs[i] - low) / width))]++;
                }
            }

            var series = new RectangleBarSeries { Title = outliers ? "outliers" : "normal rows", FillColor = OxyColor.FromAColor(150, PlotStyle.MethodColor(outliers ? 1 : 0)), StrokeThickness = 0 };
            for (int b = 0; b < bins; b++)
            {
                if (counts[b] > 0)
                {
                    series.Items.Add(new RectangleBarItem(low + b * width, 0, low + (b + 1) * width, counts[b]));
                }
            }

            model.Series.Add(series);
        }

        model.Annotations.Add(new LineAnnotation { Type = LineAnnotationType.Vertical, X = Math.Log10(run.Threshold), Color = OxyColors.Black, StrokeThickness = 2, Text = "threshold" });
        return model;
    }

    /// <summary>The ROC curve's points, from (0, 0) to (1, 1); tied scores make one step.</summary>
    private static IEnumerable<(double Fpr, double Tpr)> Roc(float[] scores, bool[] isOutlier)
    {
        int positives = isOutlier.Count(o => o), negatives = isOutlier.Length - positives;
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        int tp = 0, fp = 0;
        yield return (0, 0);
        for (int k = 0; k < order.Length; k++)
        {
            if (isOutlier[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (k + 1 == order.Length || scores[order[k + 1]] != scores[order[k]])
            {
                yield return (fp / (double)negatives, tp / (double)positives);
            }
        }
    }
}
