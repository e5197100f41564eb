using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Persistence;
using TorchSharp;

namespace Microsoft.ML.Autoencoder.Probes;

/// <summary>
/// <c>bad-input</c>: runs every <see cref="BadInputCase"/> of <see cref="Cases"/> and prints what each one got against
/// what it must get. A case passes when the exception, after ML.NET's wrappers (which wrap what a model loader throws
/// in "Error during class instantiation"), has the expected type and message and no native tensor was left behind.
/// Exits with 1 when any case fails.
/// </summary>
internal static class BadInputCommand
{
    /// <summary>Every case, area by area. Add an area by adding its table here.</summary>
    private static IEnumerable<BadInputCase> Cases() => ModelFileCases.Create().Concat(DataAndOptionCases.Create());

    public static System.CommandLine.Command Create()
    {
        var area = new Option<string?>("--area") { Description = "Run only the cases of this area (for example \"model file\")." };
        var command = new System.CommandLine.Command("bad-input", "Runs a table of bad inputs and prints the error each one gets.") { area };
        command.SetAction(parse => Run(parse.GetValue(area)));
        return command;
    }

    private static int Run(string? area)
    {
        torch.set_num_threads(1);
        var cases = Cases().Where(c => area is null || string.Equals(c.Area, area, StringComparison.OrdinalIgnoreCase)).ToList();
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"No case has the area '{area}'; the areas are: {string.Join(", ", Cases().Select(c => c.Area).Distinct())}.");
            return 2;
        }
        int failed = 0;
        foreach (var group in cases.GroupBy(c => c.Area))
        {
            Console.WriteLine($"## {group.Key}");
            Console.WriteLine();
            Console.WriteLine("| case | expected | got | |");
            Console.WriteLine("| --- | --- | --- | --- |");
            foreach (var badInput in group)
            {
                var (passed, got) = Check(badInput);
                failed += passed ? 0 : 1;
                Console.WriteLine($"| {badInput.Name} | {badInput.Expected.Name} \"…{badInput.MessageContains}…\" | {got.Replace("|", "\\|", StringComparison.Ordinal)} | {(passed ? "ok" : "FAIL")} |");
            }
            Console.WriteLine();
        }
        Console.WriteLine($"{cases.Count - failed} of {cases.Count} cases get the error they must get.");
        return failed == 0 ? 0 : 1;
    }

    private static (bool Passed, string Got) Check(BadInputCase badInput)
    {
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Exception? thrown = null;
        try
        {
            badInput.Run();
        }
        catch (Exception exception)
        {
            thrown = exception;
        }
        long left = DisposeScopeManager.Statistics.ThreadTotalLiveCount - liveBefore;
        if (thrown is null)
            return (false, "no exception");
        var (_, _, message) = ModelCorruptionFuzz.Classify(thrown);
        var cause = ModelCorruptionFuzz.Unwrap(thrown);
        bool passed = cause.GetType() == badInput.Expected && cause.Message.Contains(badInput.MessageContains, StringComparison.Ordinal) && left == 0;
        return (passed, message + (left == 0 ? "" : $" ({left} tensors left alive)"));
    }
}
