using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using Microsoft.ML.Autoencoder.Samples.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>
    /// The PCA-versus-autoencoder comparison (the <c>compare</c> command's and the notebook's core) on a tiny
    /// slice of the embedded Fashion-MNIST split, and its reading of the numbers on hand-made results.
    /// </summary>
    public class PcaVersusAutoencoderTests
    {
        private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

        [Fact]
        public void Run_TinySlice_MeasuresEveryMethodClassifierAndSizeAndWritesTheReport()
        {
            var full = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var data = full with { Train = full.Train.Take(600), Test = full.Test.Take(200) };
            var options = new ComparisonOptions
            {
                LatentDimensions = [8, 2],
                Epochs = 10,
                BatchSize = 32,
                TrainingSizes = [200],
                TrainingSizeLatentDimension = 8,
                MapPointCount = 150,
            };
            var reports = new List<ComparisonProgress>();

            var result = PcaVersusAutoencoder.Run(data, options, new RecordingProgress(reports));

            int methods = options.Methods.Count;
            Assert.Equal(new[] { 2, 8 }, result.LatentDimensions);
            Assert.Equal(methods * 2, result.Methods.Count);
            Assert.All(result.Methods, row =>
            {
                Assert.InRange(row.HeldOutMeanSquaredError, 1e-6, result.MeanImageError * 0.999); // Every code beats the mean image.
                Assert.Equal(result.SampleImages.Length, row.SampleReconstructions.Length);
                Assert.Equal(row.LatentDimension == 2 ? 2 * 150 : null, row.MapCodes?.Length);
            });
            Assert.True(
                result.Find("PCA", 8)!.HeldOutMeanSquaredError < result.Find("PCA", 2)!.HeldOutMeanSquaredError,
                "PCA with 8 components must reconstruct better than with 2.");
            Assert.Equal(FashionMnist.ClassNames.Count, result.SampleLabels.Distinct().Count());
            Assert.Equal(150, result.MapLabels.Length);

            Assert.Equal(options.Classifiers.Count * (1 + methods * 2), result.Classification.Count);
            Assert.All(result.Classification, row => Assert.InRange(row.Accuracy, 0.25, 1.0)); // Chance is 0.1.

            Assert.Equal(options.TrainingSizeMethods.Count * 2, result.TrainingSizes.Count);
            Assert.Equal(new[] { 200, 600 }, result.TrainingSizes.Select(row => row.TrainCount).Distinct().Order());
            // The same gradient-step budget as on all 600 images: 3 times the epoch limit.
            Assert.Contains(reports, report => report.Description == "Fitting Dense AE (k = 8) on 200 images, up to 30 epochs");

            Assert.Equal(Enumerable.Range(0, reports.Count), reports.Select(report => report.CompletedSteps));
            Assert.All(reports, report => Assert.Equal(reports[^1].TotalSteps, report.TotalSteps));
            Assert.Equal("done", reports[^1].Description);

            string directory = Path.Combine(Path.GetTempPath(), $"pca-vs-autoencoder-{Guid.NewGuid():N}");
            try
            {
                var files = ComparisonReport.Write(result, directory, "compare --test");

                var pngs = files.Where(file => file.EndsWith(".png", StringComparison.Ordinal)).ToArray();
                Assert.Equal(6, pngs.Length);
                Assert.Equal(pngs.Length + 2, files.Count); // the plots, report.md and figures.csv
                Assert.All(pngs, png => Assert.Equal(PngSignature, File.ReadAllBytes(png)[..8]));
                string report = File.ReadAllText(Path.Combine(directory, ComparisonReport.ReportFileName));
                Assert.Contains("compare --test", report);
                Assert.All(pngs, png => Assert.Contains($"]({Path.GetFileName(png)})", report));
                Assert.All(Findings.Describe(result), finding => Assert.Contains(finding, report));

                // figures.csv: every error and accuracy once, at full precision (the notebook's CI check reads it).
                string[] figures = File.ReadAllLines(Path.Combine(directory, ComparisonReport.FiguresFileName));
                Assert.Equal("measure,features,dimension,classifier,value", figures[0]);
                Assert.Equal(result.Methods.Count + result.Classification.Count, figures.Length - 1);
                Assert.All(result.Methods, row => Assert.Contains(
                    $"mse,{row.Method},{row.LatentDimension},,{row.HeldOutMeanSquaredError.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", figures));
                Assert.All(result.Classification, row => Assert.Contains(
                    $"accuracy,{row.Features},{row.Dimension},{row.Classifier},{row.Accuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", figures));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        [Fact]
        public void FindingsDescribe_AutoencoderBetterAtSmallKOnly_SaysWhichWinsWhere()
        {
            var result = HandMade(pcaErrors: [0.040, 0.010], autoencoderErrors: [0.030, 0.012]);

            string reconstruction = Findings.Describe(result)[0];

            Assert.Contains("the best autoencoder has the lower error at k = 2 and PCA at k = 32", reconstruction);
            Assert.Contains("k = 2: Dense AE 25.0% lower than PCA", reconstruction);
            Assert.Contains("k = 32: PCA 16.7% lower than the best autoencoder", reconstruction);
        }

        [Fact]
        public void FindingsDescribe_NumbersReversed_ReadingReverses()
        {
            var result = HandMade(pcaErrors: [0.030, 0.012], autoencoderErrors: [0.040, 0.010]);

            string reconstruction = Findings.Describe(result)[0];

            Assert.Contains("the best autoencoder has the lower error at k = 32 and PCA at k = 2", reconstruction);
        }

        [Fact]
        public void FindingsDescribe_AutoencoderBetterEverywhere_SaysSoAndNamesTheSlowdown()
        {
            var result = HandMade(pcaErrors: [0.040, 0.012], autoencoderErrors: [0.030, 0.010]);

            var findings = Findings.Describe(result);

            Assert.Contains("an autoencoder reconstructs held-out images better than PCA at every latent size tried", findings[0]);
            Assert.Contains(findings, finding => finding.StartsWith("Time", StringComparison.Ordinal) && finding.Contains("(10 times PCA's)"));
        }

        [Fact]
        public void ImageMathMeanSquaredError_KnownImages_IsMeanOfSquaredDifferences()
        {
            var expected = new float[2 * FashionMnist.PixelCount];
            var actual = new float[2 * FashionMnist.PixelCount];
            actual[0] = 0.5f; // (0.5)^2 = 0.25 ...
            actual[^1] = -1f; // ... + 1, over 1568 pixels.

            double error = ImageMath.MeanSquaredError(expected, actual);

            Assert.Equal(1.25 / (2 * FashionMnist.PixelCount), error, precision: 12);
        }

        /// <summary>A result with PCA and the dense autoencoder at k = 2 and 32; the autoencoder fits 10 times slower.</summary>
        private static ComparisonResult HandMade(double[] pcaErrors, double[] autoencoderErrors)
        {
            int[] latent = [2, 32];
            var rows = latent.SelectMany((k, i) => new[]
            {
                new MethodResult("PCA", k, pcaErrors[i], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.1), null, [], null),
                new MethodResult("Dense AE", k, autoencoderErrors[i], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(0.2), 20, [], null),
            }).ToArray();
            return new ComparisonResult
            {
                DataSource = "hand-made",
                TrainCount = 100,
                HeldOutCount = 10,
                Options = new ComparisonOptions { LatentDimensions = latent, Classifiers = [] },
                MethodNames = ["PCA", "Dense AE"],
                MeanImageError = 0.09,
                Methods = rows,
                Classification = [],
                TrainingSizes = [],
                SampleImages = [],
                SampleLabels = [],
                MapLabels = [],
                Elapsed = TimeSpan.FromSeconds(30),
            };
        }

        private sealed class RecordingProgress(List<ComparisonProgress> reports) : IProgress<ComparisonProgress>
        {
            public void Report(ComparisonProgress value) => reports.Add(value);
        }
    }
}
