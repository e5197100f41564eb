using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Persistence;
using TorchSharp;

namespace Microsoft.ML.Autoencoder.Probes;

/// <summary>
/// <c>fuzz</c>: trains the fuzz models, damages each saved zip many times (seeded byte flips and truncations of the
/// whole zip and of the autoencoder's entry, in turn) and counts what <c>mlContext.Model.Load</c> did: loaded a model
/// identical to the undamaged one, refused it with the documented exception (by kind), returned a silently different
/// model, or threw another exception. Exits with 1 when any trial was silently different or threw another exception.
/// </summary>
internal static class FuzzCommand
{
    public static System.CommandLine.Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the positions and masks of the damage.", DefaultValueFactory = _ => 1 };
        var trials = new Option<int>("--trials") { Description = "Number of damaged models to load, spread evenly over the models and the four kinds of damage.", DefaultValueFactory = _ => 5000 };
        var models = new Option<string[]>("--model") { Description = $"Models to damage (default: all of {string.Join(", ", FuzzModels.Names)}).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => FuzzModels.Names };
        models.AcceptOnlyFromAmong(FuzzModels.Names);
        trials.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
                result.AddError("--trials must be positive.");
        });
        var examples = new Option<int>("--examples") { Description = "Messages to print for each kind of refusal.", DefaultValueFactory = _ => 1 };
        examples.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
                result.AddError("--examples must not be negative.");
        });
        var stackTraces = new Option<bool>("--stack-traces") { Description = "Print the whole exception (with inner exceptions and stack traces) of each example." };
        var command = new System.CommandLine.Command("fuzz", "Loads thousands of damaged copies of saved models and counts the outcomes.") { seed, trials, models, examples, stackTraces };
        command.SetAction(parse => Run(parse.GetValue(seed), parse.GetValue(trials), parse.GetValue(models)!, parse.GetValue(examples), parse.GetValue(stackTraces)));
        return command;
    }

    private static int Run(int seed, int trials, string[] models, int examples, bool stackTraces)
    {
        // Small models: one libtorch thread is the fastest and leaves the machine's other cores alone.
        torch.set_num_threads(1);
        var corruptions = Enum.GetValues<Corruption>();
        var results = new List<TrialResult>();
        var start = DateTime.UtcNow;
        for (int m = 0; m < models.Length; m++)
        {
            var ml = new MLContext(seed: 1);
            var fuzz = new ModelCorruptionFuzz(ml, FuzzModels.Save(ml, models[m]), FuzzModels.Data(ml));
            Console.WriteLine($"{models[m]}: zip {fuzz.ZipLength} bytes, autoencoder entry {fuzz.EntryLength} bytes");
            var random = new Random(unchecked(seed * 31 + m));
            int count = trials / models.Length + (m < trials % models.Length ? 1 : 0);
            for (int t = 0; t < count; t++)
                results.Add(fuzz.Run(corruptions[t % corruptions.Length], random));
        }
        double seconds = (DateTime.UtcNow - start).TotalSeconds;

        Console.WriteLine();
        Console.WriteLine($"{results.Count} trials (seed {seed}; models {string.Join(", ", models)}) in {seconds:F1} s");
        Console.WriteLine();
        var outcomes = Enum.GetValues<TrialOutcome>();
        string[] headings = { "identical", "ident.*", "refused", "ML.NET*", "silent", "other" };
        Console.WriteLine($"{"damage",-17}{"trials",7}" + string.Concat(headings.Select(h => $"{h,10}")));
        foreach (var corruption in corruptions)
            Row(corruption.ToString(), results.Where(r => r.Corruption == corruption).ToList());
        Row("total", results);
        void Row(string name, IReadOnlyCollection<TrialResult> of)
            => Console.WriteLine($"{name,-17}{of.Count,7}" + string.Concat(outcomes.Select(o => $"{Count(of, o),10}")));
        Console.WriteLine("(ident.*: identical model, other input schema; ML.NET*: ML.NET's own exception for its own parts of the file)");

        Section("refused, by kind of exception (the cause, inside ML.NET's wrappers):", TrialOutcome.Refused);
        Section("refused by ML.NET with another exception while reading its Schema entry or the loader-assembly name (outside the library's reach):", TrialOutcome.RefusedByMLNetOtherwise);
        Section("identical model, but ML.NET's Schema entry gave another input schema (ML.NET reads it unchecked):", TrialOutcome.LoadedIdenticalOtherInputSchema);
        Section("SILENTLY DIFFERENT models:", TrialOutcome.SilentlyDifferent);
        Section("OTHER exceptions:", TrialOutcome.OtherException);
        void Section(string title, TrialOutcome outcome)
        {
            var groups = results.Where(r => r.Outcome == outcome).GroupBy(r => r.Kind).OrderByDescending(g => g.Count()).ToList();
            if (groups.Count == 0)
                return;
            Console.WriteLine();
            Console.WriteLine(title);
            foreach (var group in groups)
            {
                Console.WriteLine($"{group.Count(),7}  {group.Key}");
                foreach (var example in group.Take(examples))
                {
                    Console.WriteLine($"{"",9}e.g. {example.Corruption} at {example.Position} (mask 0x{example.Mask:X2}): {example.Message}");
                    if (stackTraces && example.Exception is not null)
                        Console.WriteLine(example.Exception);
                }
            }
        }

        bool IsRefusal(TrialResult r) => r.Outcome is TrialOutcome.Refused or TrialOutcome.RefusedByMLNetOtherwise;
        long leftByRefusals = results.Where(IsRefusal).Sum(r => r.TensorsLeft);
        long leftByModels = results.Where(r => !IsRefusal(r)).Sum(r => r.TensorsLeft);
        int silent = Count(results, TrialOutcome.SilentlyDifferent), other = Count(results, TrialOutcome.OtherException);
        Console.WriteLine();
        Console.WriteLine($"loaded identical:                                {Count(results, TrialOutcome.LoadedIdentical)}");
        Console.WriteLine($"loaded identical, other input schema (ML.NET):   {Count(results, TrialOutcome.LoadedIdenticalOtherInputSchema)}");
        Console.WriteLine($"refused, FormatException/InvalidDataException:   {Count(results, TrialOutcome.Refused)}");
        Console.WriteLine($"refused by ML.NET with another exception:        {Count(results, TrialOutcome.RefusedByMLNetOtherwise)}");
        Console.WriteLine($"silently different:                              {silent} (must be 0)");
        Console.WriteLine($"other exceptions:                                {other} (must be 0)");
        Console.WriteLine($"tensors left alive by refused loads:             {leftByRefusals} (must be 0)");
        // Not a loading failure, so not part of the verdict: these are tensors a loaded model leaves after its Dispose (a
        // convolutional network's transposed convolutions, 4 per model, at the time of writing).
        Console.WriteLine($"tensors left alive by loaded, disposed models:   {leftByModels}");
        bool held = silent == 0 && other == 0 && leftByRefusals == 0;
        Console.WriteLine(held ? "PASS" : "FAIL");
        return held ? 0 : 1;
    }

    private static int Count(IEnumerable<TrialResult> results, TrialOutcome outcome) => results.Count(r => r.Outcome == outcome);
}
