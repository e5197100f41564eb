using System;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using Microsoft.ML.Autoencoder.Samples.Data;
using Spectre.Console;

namespace Microsoft.ML.Autoencoder.Samples.Commands;

/// <summary>
/// The console side of <c>compare</c>: a live progress bar on a terminal, one line per step otherwise
/// (output redirected, or <c>CI</c> set), then the results as tables.
/// </summary>
internal static class ConsoleFrontEnd
{
    /// <summary>
    /// A console that draws live progress only on an interactive terminal. With output redirected or under CI
    /// it writes plain lines (no colours, no cursor movement) up to 200 columns wide.
    /// </summary>
    public static IAnsiConsole CreateConsole()
    {
        bool plain = Console.IsOutputRedirected || IsContinuousIntegration();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        if (plain)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    /// <summary>Runs the comparison, showing each step as it starts.</summary>
    public static ComparisonResult RunWithProgress(IAnsiConsole console, FashionMnistDataset data, ComparisonOptions options)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            var started = DateTime.UtcNow;
            return PcaVersusAutoencoder.Run(data, options, new SynchronousProgress<ComparisonProgress>(progress =>
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{progress.CompletedSteps,3}/{progress.TotalSteps}] {(DateTime.UtcNow - started).TotalSeconds,6:F1} s  {progress.Description}"))));
        }

        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("Starting", maxValue: 1);
                var result = PcaVersusAutoencoder.Run(data, options, new SynchronousProgress<ComparisonProgress>(progress =>
                {
                    task.MaxValue = progress.TotalSteps;
                    task.Value = progress.CompletedSteps;
                    task.Description = Markup.Escape(progress.Description);
                }));
                task.StopTask();
                return result;
            });
    }

    /// <summary>Prints the reconstruction, classification and training-size tables and the reading of them.</summary>
    public static void PrintTables(IAnsiConsole console, ComparisonResult result)
    {
        console.WriteLine();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Held-out reconstruction error ({result.HeldOutCount} images; mean squared error per pixel, pixels in [0, 1]; the mean image scores {result.MeanImageError:F5}):"));
        var reconstruction = new Table().Border(TableBorder.Simple)
            .AddColumns("k", "method", "MSE", "vs PCA", "epochs", "fit (s)", "transform (s)");
        foreach (var column in reconstruction.Columns.Skip(2))
        {
            column.RightAligned();
        }

        foreach (var row in ComparisonTables.Reconstruction(result))
        {
            reconstruction.AddRow(row.Select(Markup.Escape).ToArray());
        }

        console.Write(reconstruction);

        if (result.Classification.Count > 0)
        {
            console.WriteLine($"Held-out classification accuracy (classifiers trained on the {result.TrainCount} training images' features):");
            var classification = new Table().Border(TableBorder.Simple).AddColumns(ComparisonTables.ClassificationHeader(result).ToArray());
            foreach (var column in classification.Columns.Skip(2))
            {
                column.RightAligned();
            }

            foreach (var row in ComparisonTables.Classification(result))
            {
                classification.AddRow(row.Select(Markup.Escape).ToArray());
            }

            console.Write(classification);
        }

        if (result.TrainingSizes.Count > 0)
        {
            console.WriteLine($"Held-out reconstruction error by number of training images (k = {result.Options.TrainingSizeLatentDimension}; autoencoders get the same gradient-step budget at every size; epochs in parentheses):");
            var sizes = new Table().Border(TableBorder.Simple).AddColumns(ComparisonTables.TrainingSizeHeader(result).ToArray());
            foreach (var column in sizes.Columns.Skip(1))
            {
                column.RightAligned();
            }

            foreach (var row in ComparisonTables.TrainingSize(result))
            {
                sizes.AddRow(row.Select(Markup.Escape).ToArray());
            }

            console.Write(sizes);
        }

        console.WriteLine("What the numbers say:");
        foreach (string finding in Findings.Describe(result))
        {
            console.WriteLine($"- {finding}");
        }
    }

    private static bool IsContinuousIntegration()
    {
        string? ci = Environment.GetEnvironmentVariable("CI");
        return !string.IsNullOrEmpty(ci) && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase) && ci != "0";
    }
}
