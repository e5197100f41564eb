using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>Writes a <see cref="ComparisonResult"/> as a folder a person can open: <c>report.md</c> and its PNG plots.</summary>
public static class ComparisonReport
{
    /// <summary>The report's file name inside the folder.</summary>
    public const string ReportFileName = "report.md";

    /// <summary>The measured figures as CSV (also printed by the notebook, and compared with it in CI).</summary>
    public const string FiguresFileName = "figures.csv";

    /// <summary>
    /// The figures as CSV lines <c>measure,features,dimension,classifier,value</c>: <c>mse</c> (held-out reconstruction
    /// error per method and latent size) and <c>accuracy</c> (held-out accuracy per features, dimension and classifier),
    /// values with full precision (round-trip format).
    /// </summary>
    public static string FiguresCsv(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("measure,features,dimension,classifier,value\n");
        foreach (var method in result.Methods)
            csv.Append(CultureInfo.InvariantCulture, $"mse,{method.Method},{method.LatentDimension},,{method.HeldOutMeanSquaredError:R}\n");
        foreach (var classification in result.Classification)
            csv.Append(CultureInfo.InvariantCulture, $"accuracy,{classification.Features},{classification.Dimension},{classification.Classifier},{classification.Accuracy:R}\n");
        return csv.ToString();
    }

    /// <summary>Writes the plots and <c>report.md</c> into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="result">The comparison's result.</param>
    /// <param name="directory">The folder.</param>
    /// <param name="commandLine">The command that produced the result, quoted in the report.</param>
    /// <returns>The paths of the files written.</returns>
    public static IReadOnlyList<string> Write(ComparisonResult result, string directory, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        var plots = ComparisonPlots.All(result);
        foreach (var (fileName, _, png) in plots)
        {
            string path = Path.Combine(directory, fileName);
            File.WriteAllBytes(path, png);
            files.Add(path);
        }

        string figures = Path.Combine(directory, FiguresFileName);
        File.WriteAllText(figures, FiguresCsv(result));
        files.Add(figures);

        string report = Path.Combine(directory, ReportFileName);
        File.WriteAllText(report, ToMarkdown(result, commandLine, plots.Select(plot => plot.FileName).ToHashSet()));
        files.Add(report);
        return files;
    }

    /// <summary>The report as Markdown; images are linked by file name, relative to the report.</summary>
    public static string ToMarkdown(ComparisonResult result, string commandLine, IReadOnlySet<string> plotFileNames)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(plotFileNames);
        var md = new StringBuilder();
        void Line(FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        void Image(string fileName, string alt)
        {
            if (plotFileNames.Contains(fileName))
                md.AppendLine($"![{alt}]({fileName})").AppendLine();
        }

        Line($"# PCA versus autoencoders on Fashion-MNIST");
        md.AppendLine();
        Line($"Produced by `{commandLine}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC ({Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}); the run took {result.Elapsed.TotalSeconds:F0} s.");
        md.AppendLine();
        Line($"- Data: {result.DataSource}. Every method is fitted on the {result.TrainCount} training images; every number is measured on the {result.HeldOutCount} held-out images.");
        foreach (var method in result.Options.Methods)
            Line($"- **{method.Name}**: {method.Description}");
        Line($"- Autoencoders: up to {result.Options.Epochs} epochs (fewer when the training loss stops improving), batch {result.Options.BatchSize}, seed {result.Options.Seed}.");
        md.AppendLine();

        Line($"## What the numbers say");
        md.AppendLine();
        foreach (string finding in Findings.Describe(result))
            Line($"- {finding}");
        md.AppendLine();

        Line($"## Reconstruction error");
        md.AppendLine();
        Line($"Mean squared error per pixel (pixels in [0, 1]) between each held-out image and its reconstruction from k numbers. Predicting the training images' mean image for every image scores {result.MeanImageError:F5}. \"vs PCA\" is the change of the error against PCA's at the same k (negative: lower than PCA).");
        md.AppendLine();
        Image("reconstruction-error.png", "Held-out reconstruction error vs latent size");
        Table(md, ComparisonTables.ReconstructionHeader, ComparisonTables.Reconstruction(result));
        Image("reconstructions.png", "Held-out originals and their reconstructions");

        if (result.Classification.Count > 0)
        {
            Line($"## Classification on the codes");
            md.AppendLine();
            Line($"The same classifier is trained on the {result.TrainCount} training images' features (raw pixels, or a method's codes) and scored on the held-out images: how much class information survives the compression.");
            md.AppendLine();
            Image("classification-accuracy.png", "Held-out accuracy vs latent size");
            Table(md, ComparisonTables.ClassificationHeader(result).ToArray(), ComparisonTables.Classification(result));
        }

        if (plotFileNames.Contains("latent-maps.png"))
        {
            Line($"## 2-D maps");
            md.AppendLine();
            Line($"Each held-out image drawn at its 2-number code (k = 2), coloured by its true class (the methods never saw the classes).");
            md.AppendLine();
            Image("latent-maps.png", "2-D codes of the held-out images");
        }

        if (result.TrainingSizes.Count > 0)
        {
            Line($"## Training-set size");
            md.AppendLine();
            Line($"The reconstruction at k = {result.Options.TrainingSizeLatentDimension} repeated on random subsets of the training images, scored on all held-out images. Each autoencoder's epoch limit grows as the set shrinks, so that it may take as many gradient steps as on the full set (early stopping can end it sooner; the epochs trained are in parentheses): only the amount of data changes.");
            md.AppendLine();
            Image("training-size.png", "Reconstruction error vs number of training images");
            Table(md, ComparisonTables.TrainingSizeHeader(result).ToArray(), ComparisonTables.TrainingSize(result));
        }

        Line($"## Time");
        md.AppendLine();
        Line($"Wall-clock seconds on this machine (the table above has the numbers); other work running at the same time slows them.");
        md.AppendLine();
        Image("time.png", "Fit and transform time");
        return md.ToString();
    }

    private static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select((_, i) => i < 2 ? " --- |" : " ---: |")));
        foreach (var row in rows)
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        md.AppendLine();
    }
}
