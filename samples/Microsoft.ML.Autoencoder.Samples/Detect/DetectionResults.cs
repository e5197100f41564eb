using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Samples.Detect;

/// <summary>One method on one run (a split of a tabular set, or one normal class of Fashion-MNIST).</summary>
/// <param name="DataSet">The data set (for Fashion-MNIST: "fashion-mnist/CLASS").</param>
/// <param name="Run">The split or class index.</param>
/// <param name="Method">The method's name.</param>
/// <param name="Auc">ROC AUC on the test rows, from <c>mlContext.AnomalyDetection.Evaluate</c>.</param>
/// <param name="FitSeconds">Training time.</param>
/// <param name="F1">F1 of the predicted labels on the test rows, per threshold rule (the detector only).</param>
/// <param name="Flagged">The share of test rows flagged, per threshold rule (the detector only).</param>
/// <param name="Scores">The test rows' scores (kept for the first run only, for the plots).</param>
/// <param name="IsOutlier">The test rows' labels (with <paramref name="Scores"/>).</param>
/// <param name="Threshold">The method's threshold with its own defaults.</param>
internal sealed record RunResult(string DataSet, int Run, string Method, double Auc, double FitSeconds,
    IReadOnlyDictionary<string, double> F1, IReadOnlyDictionary<string, double> Flagged, float[]? Scores, bool[]? IsOutlier, float Threshold);

/// <summary>Everything one <c>detect</c> run measured.</summary>
internal sealed class DetectionResult
{
    public List<RunResult> Runs { get; } = [];

    /// <summary>Per data set: its description (rows, features, outliers, protocol).</summary>
    public Dictionary<string, string> DataSets { get; } = [];

    /// <summary>Scoring speed: (what, seconds) pairs.</summary>
    public List<(string What, double Seconds)> Timings { get; } = [];

    public IEnumerable<string> Methods => Runs.Select(r => r.Method).Distinct();

    /// <summary>The mean AUC of a method on a data set (Fashion-MNIST: over its classes).</summary>
    public double MeanAuc(string dataSetPrefix, string method)
        => Runs.Where(r => r.DataSet.StartsWith(dataSetPrefix, System.StringComparison.Ordinal) && r.Method == method).Select(r => r.Auc).DefaultIfEmpty(double.NaN).Average();
}
