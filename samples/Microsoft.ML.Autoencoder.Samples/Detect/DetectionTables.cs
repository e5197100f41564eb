using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>The measured tables of a <c>detect</c> run, as Markdown lines (the console and report.md print the same).</summary>
internal static class DetectionTables
{
    /// <summary>PyOD's published ROC AUCs under its benchmark protocol (pyod notebooks/roc.csv): (AutoEncoder, PCA).</summary>
    public static readonly IReadOnlyDictionary<string, (double AutoEncoder, double Pca)> PyOd = new Dictionary<string, (double, double)>
    {
        ["shuttle"] = (0.98976, 0.9898),
        ["ionosphere"] = (0.89588, 0.7962),
    };

    public static IEnumerable<string> Markdown(DetectionResult result, DetectOptions options)
    {
        var methods = result.Methods.ToList();
        var dataSets = new List<string>();
        if (result.Runs.Any(r => r.DataSet.StartsWith("fashion-mnist", System.StringComparison.Ordinal)))
        {
            dataSets.Add("fashion-mnist");
        }

        dataSets.AddRange(options.DataSets.Where(name => result.Runs.Any(r => r.DataSet == name)));

        yield return "";
        yield return "ROC AUC, mean over the runs (Fashion-MNIST: its normal classes; tabular sets: the splits). PyOD: published, same protocol.";
        if (dataSets.Contains("fashion-mnist"))
        {
            yield return $"The detector is told that the Fashion-MNIST features are {FashionMnist.ImageSide} x {FashionMnist.ImageSide} images (ImageHeight, ImageWidth), as a user of image data would; every other setting is its default.";
        }

        yield return "";
        yield return "| data set | runs | " + string.Join(" | ", methods) + " | PyOD AutoEncoder | PyOD PCA |";
        yield return "| --- | ---: | " + string.Join(" | ", methods.Select(_ => "---:")) + " | ---: | ---: |";
        foreach (string name in dataSets)
        {
            int runs = result.Runs.Where(r => r.DataSet.StartsWith(name, System.StringComparison.Ordinal)).Select(r => (r.DataSet, r.Run)).Distinct().Count();
            string pyod = PyOd.TryGetValue(name, out var published) ? $" | {published.AutoEncoder:F3} | {published.Pca:F3}" : " | | ";
            yield return $"| {name} | {runs} | " + string.Join(" | ", methods.Select(m => Format(result.MeanAuc(name, m)))) + pyod + " |";
        }

        var classes = result.Runs.Where(r => r.DataSet.StartsWith("fashion-mnist/", System.StringComparison.Ordinal)).Select(r => r.DataSet).Distinct().ToList();
        if (classes.Count > 0)
        {
            yield return "";
            yield return "One-class Fashion-MNIST, ROC AUC per normal class:";
            yield return "";
            yield return "| normal class | " + string.Join(" | ", methods) + " |";
            yield return "| --- | " + string.Join(" | ", methods.Select(_ => "---:")) + " |";
            foreach (string name in classes)
            {
                yield return $"| {name["fashion-mnist/".Length..]} | " + string.Join(" | ", methods.Select(m => Format(result.Runs.Where(r => r.DataSet == name && r.Method == m).Select(r => r.Auc).DefaultIfEmpty(double.NaN).Average()))) + " |";
            }
        }

        var tabular = options.DataSets.Where(name => result.Runs.Any(r => r.DataSet == name && r.F1.Count > 0)).ToList();
        if (tabular.Count > 0)
        {
            yield return "";
            yield return "Thresholds of the detector (fitted on the training part's scores), F1 of the outlier class on the test part, mean over the splits (share of test rows flagged in parentheses):";
            yield return "";
            yield return "| threshold rule | " + string.Join(" | ", tabular) + " | mean F1 | vs contamination |";
            yield return "| --- | " + string.Join(" | ", tabular.Select(_ => "---:")) + " | ---: | ---: |";
            double Mean(string rule, string name, bool f1) => result.Runs.Where(r => r.DataSet == name && r.Method == OutlierBenchmark.Detector)
                .Select(r => f1 ? r.F1[rule] : r.Flagged[rule]).Average();
            double reference = tabular.Average(name => Mean(OutlierBenchmark.Rules[0], name, f1: true));
            foreach (string rule in OutlierBenchmark.Rules)
            {
                double mean = tabular.Average(name => Mean(rule, name, f1: true));
                yield return $"| {rule} | " + string.Join(" | ", tabular.Select(name => $"{Mean(rule, name, true):F3} ({Mean(rule, name, false):P1})")) + $" | {mean:F3} | {mean - reference:+0.000;-0.000;0.000} |";
            }

            yield return "";
            yield return "True outlier shares of the test parts: " + string.Join(", ", tabular.Select(name => $"{name} {result.Runs.Where(r => r.DataSet == name && r.IsOutlier is not null).Select(r => r.IsOutlier!.Count(o => o) / (double)r.IsOutlier!.Length).First():P1}")) + ".";
        }

        if (result.Timings.Count > 0)
        {
            yield return "";
            yield return "Scoring speed (best of 5, cached source, one libtorch thread unless --threads says otherwise):";
            yield return "";
            yield return "| what | seconds |";
            yield return "| --- | ---: |";
            foreach (var (what, seconds) in result.Timings)
            {
                yield return $"| {what} | {seconds.ToString("F4", CultureInfo.InvariantCulture)} |";
            }
        }

        yield return "";
        yield return "Training time, mean per run (s): " + string.Join(", ", methods.Select(m => $"{m} {result.Runs.Where(r => r.Method == m).Average(r => r.FitSeconds):F1}")) + ".";
        if (options.ChangesDefaults)
        {
            yield return "";
            yield return "Note: this run changed the detector's defaults (--latent, --epochs, --hidden, --robust, --standardize, --ensemble or --window); its numbers are not the defaults'.";
        }
    }

    private static string Format(double value) => double.IsNaN(value) ? "" : value.ToString("F4", CultureInfo.InvariantCulture);
}
