using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>Writes the <c>compress</c> report: report.md with the tables and the two rate-distortion plots.</summary>
internal static class CompressionReport
{
    public const string ReportFileName = "report.md";

    public static IReadOnlyList<string> Write(CompressionResult result, CompressOptions options, string directory, string commandLine, TimeSpan elapsed)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string> { ReportFileName };
        var lines = new List<string>
        {
            "# Compression: autoencoder codes against PCA and standard codecs",
            "",
            F($"Command: `{commandLine}` ({elapsed.TotalMinutes:F1} min, {Environment.ProcessorCount} cores, one libtorch thread, seed {options.Seed})."),
            "",
            F($"Data: {result.DataSource}; {result.TrainCount} training images, {result.HeldOutCount} held out. Autoencoders: up to {options.Epochs} epochs, batch {options.BatchSize}."),
            "",
        };
        foreach (var (file, psnr) in new[] { ("rate-distortion-mse.png", false), ("rate-distortion-psnr.png", true) })
        {
            File.WriteAllBytes(Path.Combine(directory, file), CompressionPlots.RateDistortion(result, psnr));
            files.Add(file);
            lines.Add($"![{(psnr ? "PSNR" : "Mean squared error")} against bytes per image]({file})");
            lines.Add("");
        }

        lines.AddRange(Tables(result));
        File.WriteAllLines(Path.Combine(directory, ReportFileName), lines);
        return files;
    }

    /// <summary>The rate-distortion table and the model-size and break-even table, as markdown.</summary>
    public static IEnumerable<string> Tables(CompressionResult result)
    {
        yield return "## Rate and distortion";
        yield return "";
        yield return "| method | setting | bytes/image | held-out MSE | PSNR (dB) |";
        yield return "| --- | --- | ---: | ---: | ---: |";
        foreach (var point in result.Points)
            yield return F($"| {point.Family} | {point.Setting} | {point.BytesPerImage:F1} | {point.MeanSquaredError:F5} | {(point.IsLossless ? "lossless" : point.Psnr.ToString("F2", CultureInfo.InvariantCulture))} |");
        yield return "";
        yield return "## Model size and break-even";
        yield return "";
        yield return "The codec is the cheapest one (any quality, lossless included) whose held-out MSE is at most the learned method's. "
            + "Break-even: the number of images from which the learned method's bytes plus its model are fewer than the codec's bytes.";
        yield return "";
        yield return "| method | setting | bytes/image | held-out MSE | model bytes | fit (s) | cheapest codec as good | its bytes/image | break-even images |";
        yield return "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |";
        foreach (var point in result.Points.Where(p => p.IsLearned && !p.Family.EndsWith("float32", StringComparison.Ordinal)))
        {
            var (codec, images) = result.BreakEven(point);
            yield return F($"| {point.Family} | {point.Setting} | {point.BytesPerImage:F1} | {point.MeanSquaredError:F5} | {point.ModelBytes:N0} | {point.FitSeconds:F1} | {codec.Family} {codec.Setting} | {codec.BytesPerImage:F1} | {(images is long n ? n.ToString("N0", CultureInfo.InvariantCulture) : "never")} |");
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
