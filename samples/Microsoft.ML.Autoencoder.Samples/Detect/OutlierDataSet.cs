using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>A labelled outlier data set: rows of features and whether each row is an outlier.</summary>
/// <param name="Name">The data set's name.</param>
/// <param name="Features">The rows, row after row.</param>
/// <param name="FeatureCount">The number of features per row.</param>
/// <param name="IsOutlier">Per row: whether it is an outlier.</param>
/// <param name="Source">Where the rows came from.</param>
internal sealed record OutlierDataSet(string Name, float[] Features, int FeatureCount, bool[] IsOutlier, string Source)
{
    /// <summary>The data sets rebuilt from R's mlbench, in the order they are reported.</summary>
    public static readonly string[] MlbenchNames = ["shuttle", "ionosphere"];

    public int RowCount => IsOutlier.Length;

    public int OutlierCount => IsOutlier.Count(o => o);

    /// <summary>
    /// Reads <c>NAME.csv</c> from <paramref name="directory"/> (a header, the features, then a 0/1 <c>label</c>), first
    /// exporting the mlbench sets with <c>Rscript export-mlbench.R</c> when the file is missing.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is missing and Rscript (Debian: r-base-core r-cran-mlbench) is not installed.</exception>
    public static OutlierDataSet Load(string name, string directory)
    {
        string path = Path.Combine(directory, name + ".csv");
        if (!File.Exists(path))
        {
            Export(directory);
        }

        var lines = File.ReadAllLines(path);
        int columns = lines[0].Split(',').Length;
        int featureCount = columns - 1;
        var features = new float[(lines.Length - 1) * featureCount];
        var outlier = new bool[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].Split(',');
            if (fields.Length != columns)
            {
                throw new InvalidDataException($"{path}, line {i + 1}: {fields.Length} fields, {columns} expected.");
            }

            for (int j = 0; j < featureCount; j++)
            {
                features[(i - 1) * featureCount + j] = float.Parse(fields[j], CultureInfo.InvariantCulture);
            }

            outlier[i - 1] = fields[^1] == "1";
        }

        return new OutlierDataSet(name, features, featureCount, outlier, $"{path} (R mlbench, exported by export-mlbench.R)");
    }

    /// <summary>Whether Rscript is on the path (then the mlbench sets can be exported).</summary>
    public static bool CanExport() => FindOnPath("Rscript") is not null;

    private static void Export(string directory)
    {
        string rscript = FindOnPath("Rscript")
            ?? throw new FileNotFoundException($"The outlier benchmarks need R's mlbench data: install Debian's r-base-core and r-cran-mlbench, or put shuttle.csv and ionosphere.csv (see export-mlbench.R) in {directory}.");
        string script = Path.Combine(AppContext.BaseDirectory, "Detect", "export-mlbench.R");
        Directory.CreateDirectory(directory);
        using var process = Process.Start(new ProcessStartInfo(rscript, [script, directory]) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("Rscript did not start.");
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Rscript {script} failed ({process.ExitCode}): {errors}");
        }
    }

    private static string? FindOnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
}
