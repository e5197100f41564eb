using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>
/// Reads a <see cref="ComparisonResult"/> in plain sentences. Every sentence states a fact computed from the
/// measured numbers (who has the lower error, by how much, how long it took), never a conclusion decided in
/// advance, so a run that turns out differently reads differently.
/// </summary>
public static class Findings
{
    /// <summary>The sentences, in the order: reconstruction, classification, training-set size, time, caveats.</summary>
    public static IReadOnlyList<string> Describe(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var findings = new List<string>();
        string pca = ComparisonMethods.Pca.Name;
        var autoencoders = result.MethodNames.Where(method => method != pca).ToArray();
        bool hasPca = result.MethodNames.Contains(pca);

        if (hasPca && autoencoders.Length > 0)
        {
            findings.Add(DescribeReconstruction(result, pca, autoencoders));
            findings.AddRange(DescribeClassification(result, pca, autoencoders));
            if (DescribeTrainingSize(result, pca, autoencoders) is { } sizes)
                findings.Add(sizes);
            findings.Add(DescribeTime(result, pca, autoencoders));
        }

        var failures = result.Methods.Where(row => row.HeldOutMeanSquaredError >= result.MeanImageError).ToArray();
        findings.Add(failures.Length == 0
            ? F($"Every method at every k beats the mean-image baseline (held-out MSE {result.MeanImageError:F5}).")
            : "Not better than the mean-image baseline: " + string.Join(", ", failures.Select(row => F($"{row.Method} at k = {row.LatentDimension} ({row.HeldOutMeanSquaredError:F5})"))) + ".");

        var stoppedEarly = result.Methods.Where(row => row.Epochs < result.Options.Epochs).ToArray();
        findings.Add(F($"Training budget: the autoencoders had up to {result.Options.Epochs} epochs (batch {result.Options.BatchSize}) on {result.TrainCount} images")
            + (stoppedEarly.Length == 0
                ? " and used them all; more epochs may lower their error further."
                : "; " + string.Join(", ", stoppedEarly.Select(row => F($"{row.Method} at k = {row.LatentDimension} stopped after {row.Epochs}"))) + " (the loss stopped improving).")
            + " Every number comes from one seed and one split, so differences of a few percent should not be over-read.");
        return findings;
    }

    private static string DescribeReconstruction(ComparisonResult result, string pca, string[] autoencoders)
    {
        var parts = new List<string>();
        var wins = new List<int>();
        var losses = new List<int>();
        foreach (int k in result.LatentDimensions)
        {
            if (result.Find(pca, k) is not { } baseline || Best(result, autoencoders, k) is not { } best)
                continue;
            double change = (best.HeldOutMeanSquaredError - baseline.HeldOutMeanSquaredError) / baseline.HeldOutMeanSquaredError;
            (change < 0 ? wins : losses).Add(k);
            parts.Add(change < 0
                ? F($"k = {k}: {best.Method} {ComparisonTables.Percent(-change)} lower than PCA ({best.HeldOutMeanSquaredError:F5} vs {baseline.HeldOutMeanSquaredError:F5})")
                : F($"k = {k}: PCA {ComparisonTables.Percent(change / (1 + change))} lower than the best autoencoder, {best.Method} ({baseline.HeldOutMeanSquaredError:F5} vs {best.HeldOutMeanSquaredError:F5})"));
        }

        string summary = (wins.Count, losses.Count) switch
        {
            (_, 0) => "an autoencoder reconstructs held-out images better than PCA at every latent size tried",
            (0, _) => "PCA reconstructs held-out images at least as well as every autoencoder at every latent size tried",
            _ => $"the best autoencoder has the lower error at k = {string.Join(", ", wins)} and PCA at k = {string.Join(", ", losses)}",
        };
        var worse = autoencoders
            .SelectMany(method => result.LatentDimensions.Select(k => (Method: method, K: k, Row: result.Find(method, k), Pca: result.Find(pca, k))))
            .Where(entry => entry.Row is not null && entry.Pca is not null && entry.Row.HeldOutMeanSquaredError >= entry.Pca.HeldOutMeanSquaredError)
            .Select(entry => F($"{entry.Method} at k = {entry.K} ({ComparisonTables.Percent((entry.Row!.HeldOutMeanSquaredError - entry.Pca!.HeldOutMeanSquaredError) / entry.Pca.HeldOutMeanSquaredError, signed: true)})"))
            .ToArray();
        string exceptions = wins.Count > 0 && worse.Length > 0 ? " Not every autoencoder beats PCA: " + string.Join(", ", worse) + " against PCA's error." : "";
        return $"Reconstruction: {summary}. " + string.Join("; ", parts) + "." + exceptions;
    }

    private static IEnumerable<string> DescribeClassification(ComparisonResult result, string pca, string[] autoencoders)
    {
        foreach (var classifier in result.Options.Classifiers)
        {
            if (result.Accuracy(ComparisonResult.RawPixels, Data.FashionMnist.PixelCount, classifier) is not double raw)
                continue;
            var parts = new List<string>();
            int agree = 0, compared = 0;
            foreach (int k in result.LatentDimensions)
            {
                if (result.Accuracy(pca, k, classifier) is not double pcaAccuracy)
                    continue;
                var best = autoencoders
                    .Select(method => (Method: method, Accuracy: result.Accuracy(method, k, classifier)))
                    .Where(entry => entry.Accuracy is not null)
                    .OrderByDescending(entry => entry.Accuracy)
                    .FirstOrDefault();
                if (best.Accuracy is not double autoencoderAccuracy)
                    continue;
                parts.Add(autoencoderAccuracy > pcaAccuracy
                    ? F($"k = {k}: {best.Method} {ComparisonTables.Percent(autoencoderAccuracy)} vs PCA {ComparisonTables.Percent(pcaAccuracy)}")
                    : F($"k = {k}: PCA {ComparisonTables.Percent(pcaAccuracy)} vs {best.Method} {ComparisonTables.Percent(autoencoderAccuracy)}"));

                // Does the lower reconstruction error go with the higher accuracy?
                if (result.Find(pca, k) is { } pcaRow && result.Find(best.Method, k) is { } autoencoderRow)
                {
                    compared++;
                    if ((autoencoderRow.HeldOutMeanSquaredError < pcaRow.HeldOutMeanSquaredError) == (autoencoderAccuracy > pcaAccuracy))
                        agree++;
                }
            }

            var codes = result.Classification.Where(row => row.Classifier == classifier && row.Features != ComparisonResult.RawPixels).ToArray();
            string bestCode = "";
            if (codes.MaxBy(row => row.Accuracy) is { } top)
            {
                string points = (100 * (top.Accuracy - raw)).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
                bestCode = F($" The best code, {top.Features} at k = {top.Dimension}, reaches {ComparisonTables.Percent(top.Accuracy)} ({points} points against raw pixels).");
            }

            yield return F($"Classification with {classifier}: raw pixels (784 values) reach {ComparisonTables.Percent(raw)}. ")
                + (parts.Count == 0 ? "" : "Best autoencoder code against PCA's code: " + string.Join("; ", parts) + ".")
                + bestCode
                + (compared == 0 ? "" : F($" The method with the lower reconstruction error also gave the higher accuracy at {agree} of {compared} latent sizes."));
        }
    }

    private static string? DescribeTrainingSize(ComparisonResult result, string pca, string[] autoencoders)
    {
        var sizes = result.TrainingSizes.Select(row => row.TrainCount).Distinct().Order().ToArray();
        if (sizes.Length < 2)
            return null;
        var parts = new List<string>();
        int? firstWin = null;
        foreach (int size in sizes)
        {
            var pcaRow = result.TrainingSizes.FirstOrDefault(row => row.Method == pca && row.TrainCount == size);
            var best = result.TrainingSizes.Where(row => row.TrainCount == size && autoencoders.Contains(row.Method)).MinBy(row => row.HeldOutMeanSquaredError);
            if (pcaRow is null || best is null)
                continue;
            if (best.HeldOutMeanSquaredError < pcaRow.HeldOutMeanSquaredError)
                firstWin ??= size;
            parts.Add(F($"{size} images: PCA {pcaRow.HeldOutMeanSquaredError:F5}, {best.Method} {best.HeldOutMeanSquaredError:F5}"));
        }

        string summary = firstWin switch
        {
            null => "PCA has the lower error at every training-set size tried",
            int size when size == sizes[0] => "the best autoencoder has the lower error from the smallest training set tried on",
            int size => $"PCA has the lower error below {size} training images, the best autoencoder from {size} on",
        };
        return F($"Training-set size (k = {result.Options.TrainingSizeLatentDimension}, the same gradient-step budget at every size): {summary}. ") + string.Join("; ", parts) + ".";
    }

    private static string DescribeTime(ComparisonResult result, string pca, string[] autoencoders)
    {
        var pcaRows = result.Methods.Where(row => row.Method == pca).ToArray();
        var parts = new List<string> { F($"PCA fits in {Range(pcaRows.Select(row => row.FitTime.TotalSeconds))} s") };
        foreach (string method in autoencoders)
        {
            var rows = result.Methods.Where(row => row.Method == method).ToArray();
            var ratios = rows
                .Select(row => (row, pca: pcaRows.FirstOrDefault(p => p.LatentDimension == row.LatentDimension)))
                .Where(pair => pair.pca is not null && pair.pca.FitTime > TimeSpan.Zero)
                .Select(pair => pair.row.FitTime / pair.pca!.FitTime)
                .ToArray();
            parts.Add(F($"{method} in {Range(rows.Select(row => row.FitTime.TotalSeconds))} s")
                + (ratios.Length == 0 ? "" : F($" ({Range(ratios, "F0")} times PCA's)")));
        }

        var transform = result.Methods.GroupBy(row => row.Method)
            .Select(group => F($"{group.Key} {Range(group.Select(row => row.TransformTime.TotalSeconds))} s"));
        return F($"Time (on this machine, while it ran): ") + string.Join(", ", parts)
            + F($". Encoding and decoding the {result.HeldOutCount} held-out images: ") + string.Join(", ", transform) + ".";
    }

    private static MethodResult? Best(ComparisonResult result, IEnumerable<string> methods, int k)
        => methods.Select(method => result.Find(method, k)).Where(row => row is not null).MinBy(row => row!.HeldOutMeanSquaredError);

    private static string Range(IEnumerable<double> values, string format = "F2")
    {
        var array = values.ToArray();
        string low = array.Min().ToString(format, CultureInfo.InvariantCulture);
        string high = array.Max().ToString(format, CultureInfo.InvariantCulture);
        return low == high ? low : $"{low}-{high}";
    }

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
