using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>
/// The short sample (<c>dotnet run -- anomaly</c>): the autoencoder anomaly detector end to end on made-up machine
/// readings. Train on readings that include a few faults, score new readings, see which are flagged and why, evaluate,
/// save and load.
/// </summary>
internal static class AnomalySample
{
    /// <summary>One machine reading: four sensors, and whether it was a fault (known here, to evaluate).</summary>
    public sealed class Reading
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        /// <summary>1 for a fault. ML.NET's anomaly evaluator wants a Single (or a two-value key) label, not a Boolean.</summary>
        public float Label { get; set; }
    }

    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var command = new System.CommandLine.Command("anomaly", "The anomaly detector end to end on made-up machine readings: train, flag, explain, evaluate, save and load.");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    public static AnomalyDetectionMetrics Run(TextWriter output)
    {
        var ml = new MLContext(seed: 1);
        string[] sensors = ["temperature", "pressure", "vibration", "current"];

        // Training readings, faults included (2%), as real training data has them. The sensors are on very different
        // scales; the detector standardizes them itself.
        var train = ml.Data.LoadFromEnumerable(Readings(2000, faultShare: 0.02, seed: 1));
        var test = ml.Data.LoadFromEnumerable(Readings(1000, faultShare: 0.05, seed: 2));

        var trainer = ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyTrainer.Options
        {
            FeatureColumnName = nameof(Reading.Features),
            TopContributorsColumnName = "Top",   // indices of the features with the largest shares of the error
            TopContributorCount = 2,
        });
        var detector = trainer.Fit(train);
        output.WriteLine($"Threshold {detector.Threshold:G4}: {detector.ThresholdDescription}.");

        // Score new readings: Score (higher is more anomalous), PredictedLabel, and the top contributors.
        var scored = detector.Transform(test);
        var flagged = ml.Data.CreateEnumerable<ScoredReading>(scored, reuseRowObject: false).Where(r => r.PredictedLabel).OrderByDescending(r => r.Score).ToList();
        output.WriteLine($"{flagged.Count} of 1000 readings flagged; the five most anomalous:");
        foreach (var reading in flagged.Take(5))
        {
            output.WriteLine($"  score {reading.Score,8:F3}  fault: {(reading.Label > 0 ? "yes" : "no "),-3}  because of {sensors[reading.Top[0]]}, then {sensors[reading.Top[1]]}");
        }

        // Evaluate as any ML.NET anomaly detector (the label is known here).
        var metrics = ml.AnomalyDetection.Evaluate(scored, falsePositiveCount: 10);
        output.WriteLine($"ROC AUC {metrics.AreaUnderRocCurve:F3}; detection rate at 10 false positives {metrics.DetectionRateAtFalsePositiveCount:F3}.");

        // Save and load: the threshold, the standardization and the explanation settings come along.
        string path = Path.Combine(Path.GetTempPath(), $"anomaly-detector-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(detector, train.Schema, path);
            using var loaded = (AutoencoderAnomalyTransformer)ml.Model.Load(path, out _);
            output.WriteLine($"Loaded from {Path.GetFileName(path)}: threshold {loaded.Threshold:G4}, {loaded.ThresholdMethod}.");
        }
        finally
        {
            File.Delete(path);
            detector.Dispose();
        }

        return metrics;
    }

    /// <summary>A scored reading as <c>CreateEnumerable</c> reads it.</summary>
    public sealed class ScoredReading
    {
        public float Label { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }

        public int[] Top { get; set; } = [];
    }

    /// <summary>
    /// Readings of a machine whose four sensors follow its load; a fault breaks that link on one sensor (an overheating
    /// motor, a pressure drop, a loose bearing or a current spike).
    /// </summary>
    private static Reading[] Readings(int count, double faultShare, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, count).Select(_ =>
        {
            double load = random.NextDouble();
            var values = new[] { 40 + 30 * load + Gaussian(), 6 - 2 * load + 0.05 * Gaussian(), 0.2 + 0.3 * load * load + 0.01 * Gaussian(), 10 + 20 * load + 0.5 * Gaussian() };
            bool fault = random.NextDouble() < faultShare;
            if (fault)
            {
                int sensor = random.Next(4);
                values[sensor] += new[] { 15, -1.0, 0.15, 8 }[sensor];
            }

            return new Reading { Features = values.Select(v => (float)v).ToArray(), Label = fault ? 1 : 0 };
        }).ToArray();
    }
}
