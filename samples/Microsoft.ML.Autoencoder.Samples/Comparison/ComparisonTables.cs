using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>The result as rows of formatted cells, shared by the console tables, report.md and the notebook.</summary>
public static class ComparisonTables
{
    /// <summary>The header of <see cref="Reconstruction"/>.</summary>
    public static IReadOnlyList<string> ReconstructionHeader { get; } = ["k", "method", "held-out MSE", "vs PCA", "epochs", "fit (s)", "transform (s)"];

    /// <summary>One row per latent size and method: error, change against PCA, epochs, fit and transform time.</summary>
    public static IEnumerable<string[]> Reconstruction(ComparisonResult result)
    {
        foreach (int k in result.LatentDimensions)
        {
            var pca = result.Find(ComparisonMethods.Pca.Name, k);
            foreach (string method in result.MethodNames)
            {
                if (result.Find(method, k) is not { } row)
                {
                    continue;
                }

                string versusPca = pca is null || row == pca ? "" : Percent((row.HeldOutMeanSquaredError - pca.HeldOutMeanSquaredError) / pca.HeldOutMeanSquaredError, signed: true);
                yield return
                [
                    Format($"{k}"), method, Format($"{row.HeldOutMeanSquaredError:F5}"), versusPca,
                    row.Epochs is int epochs ? Format($"{epochs}") : "-",
                    Format($"{row.FitTime.TotalSeconds:F2}"), Format($"{row.TransformTime.TotalSeconds:F2}"),
                ];
            }
        }
    }

    /// <summary>The header of <see cref="Classification"/>: features, k, then one accuracy column per classifier.</summary>
    public static IEnumerable<string> ClassificationHeader(ComparisonResult result)
        => new[] { "features", "k" }.Concat(result.Options.Classifiers.Select(classifier => $"{classifier} accuracy"));

    /// <summary>One row for raw pixels and one per latent size and method: the held-out accuracy of each classifier.</summary>
    public static IEnumerable<string[]> Classification(ComparisonResult result)
    {
        yield return Row(ComparisonResult.RawPixels, FashionMnist.PixelCount);
        foreach (int k in result.LatentDimensions)
        {
            foreach (string method in result.MethodNames)
            {
                yield return Row(method, k);
            }
        }

        string[] Row(string features, int k) =>
            new[] { features, Format($"{k}") }
                .Concat(result.Options.Classifiers.Select(classifier => result.Accuracy(features, k, classifier) is double accuracy ? Percent(accuracy) : "-"))
                .ToArray();
    }

    /// <summary>The header of <see cref="TrainingSize"/>: training images, then one error column per method.</summary>
    public static IEnumerable<string> TrainingSizeHeader(ComparisonResult result)
        => new[] { "training images" }.Concat(TrainingSizeMethods(result).Select(method => $"{method} MSE"));

    /// <summary>One row per training-set size: each method's held-out error (and the autoencoders' epochs).</summary>
    public static IEnumerable<string[]> TrainingSize(ComparisonResult result)
    {
        foreach (int size in result.TrainingSizes.Select(row => row.TrainCount).Distinct().Order())
        {
            yield return new[] { Format($"{size}") }
                .Concat(TrainingSizeMethods(result).Select(method =>
                    result.TrainingSizes.FirstOrDefault(row => row.Method == method && row.TrainCount == size) is { } row
                        ? Format($"{row.HeldOutMeanSquaredError:F5}") + (row.Epochs is int epochs ? Format($" ({epochs} ep.)") : "")
                        : "-"))
                .ToArray();
        }
    }

    /// <summary>The methods of the training-size experiment, in the order of the other tables.</summary>
    public static IEnumerable<string> TrainingSizeMethods(ComparisonResult result)
        => result.MethodNames.Where(method => result.TrainingSizes.Any(row => row.Method == method));

    /// <summary>A fraction as a percentage with one decimal, e.g. <c>0.8534</c> as <c>85.3%</c> (with a sign when <paramref name="signed"/>).</summary>
    public static string Percent(double fraction, bool signed = false)
        => (signed && fraction >= 0 ? "+" : "") + (100 * fraction).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Format(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
