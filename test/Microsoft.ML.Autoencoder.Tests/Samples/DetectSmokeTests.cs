using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Autoencoder.Samples.Detect;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the <c>detect</c> command's core on a slice of the embedded Fashion-MNIST split and writes its report.</summary>
    public class DetectSmokeTests
    {
        [Fact]
        public void RunFashionMnist_TwoClassesOfASlice_WritesTablesRocCurvesAndHistogram()
        {
            var full = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var data = full with { Train = full.Train.Take(1500), Test = full.Test.Take(300) };
            var options = new DetectOptions { Classes = [1, 7], Epochs = 3, DataSets = [] };
            var result = new DetectionResult();
            OutlierBenchmark.RunFashionMnist(data, options, result, _ => { });
            Assert.Equal(4, result.Runs.Count);
            Assert.All(result.Runs, run => Assert.InRange(run.Auc, 0.5, 1.0));
            string output = Path.Combine(Path.GetTempPath(), $"detect-{Guid.NewGuid():N}");
            try
            {
                var files = DetectionReport.Write(result, options, output, "detect (test)", TimeSpan.FromSeconds(1));
                string report = File.ReadAllText(Path.Combine(output, DetectionReport.ReportFileName));
                Assert.Contains("| fashion-mnist | 2 |", report);
                Assert.Contains("Note: this run changed the detector's defaults", report);
                Assert.Contains(files, f => f.StartsWith("roc-", StringComparison.Ordinal));
                Assert.Contains(files, f => f.StartsWith("histogram-", StringComparison.Ordinal));
                Assert.All(files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)), f => Assert.True(new FileInfo(Path.Combine(output, f)).Length > 1000));
            }
            finally
            {
                if (Directory.Exists(output))
                    Directory.Delete(output, recursive: true);
            }
        }

        [Fact]
        public void Auc_KnownRanking_MatchesMannWhitney()
        {
            // Outliers at ranks 3 and 4 of 4 (one tie with a normal row at rank 2-3): (2.5 + 4 - 3) / (2 x 2) = 0.875.
            Assert.Equal(0.875, OutlierBenchmark.Auc(new[] { 0.1f, 0.5f, 0.5f, 0.9f }, new[] { false, false, true, true }), 12);
            Assert.Equal(1.0, OutlierBenchmark.Auc(new[] { float.NaN, 0.2f, 0.9f }, new[] { false, false, true }), 12);
        }
    }
}
