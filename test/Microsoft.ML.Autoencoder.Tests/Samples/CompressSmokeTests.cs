using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Compress;
using Microsoft.ML.Autoencoder.Samples.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the <c>compress</c> command's core (its seeded quick settings, smaller still) and writes its report.</summary>
    public class CompressSmokeTests
    {
        [Fact]
        public void Run_QuickSettingsOnASlice_MeasuresEveryMethodAndWritesReportAndPlots()
        {
            var data = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var options = CompressOptions.Quick with { TrainCount = 400, HeldOutCount = 50, LatentDimensions = [4], PcaComponents = [4, 8], Qualities = [20, 80] };
            var result = CompressionBenchmark.Run(data, options, _ => { });

            Assert.Equal((400, 50), (result.TrainCount, result.HeldOutCount));
            var families = result.Points.Select(p => p.Family).Distinct().ToArray();
            Assert.Equal(
                new[] { "raw 8-bit", "PNG", "gzip", "Brotli", "JPEG", "WebP", "PCA, 8-bit", "PCA, float16", "Dense AE, float32", "Dense AE, 8-bit", "Dense AE, float16", "Conv AE, float32", "Conv AE, 8-bit", "Conv AE, float16" },
                families);
            Assert.All(result.Points.Where(p => p.Family is "PNG" or "gzip" or "Brotli"), p => Assert.True(p.IsLossless && p.BytesPerImage < 784));
            // Higher JPEG quality: more bytes, less error.
            var jpeg = result.Points.Where(p => p.Family == "JPEG").ToArray();
            Assert.True(jpeg[1].BytesPerImage > jpeg[0].BytesPerImage && jpeg[1].MeanSquaredError < jpeg[0].MeanSquaredError);
            // 4 latent values: 4 bytes at 8 bits, 8 at float16, plus the 64-byte header and checksum shared by the 50 images.
            var eightBit = result.Points.Single(p => p.Family == "Dense AE, 8-bit");
            Assert.Equal(4 + 64 / 50.0, eightBit.BytesPerImage, 9);
            Assert.Equal(8 + 64 / 50.0, result.Points.Single(p => p.Family == "Dense AE, float16").BytesPerImage, 9);
            Assert.All(result.Points.Where(p => p.IsLearned), p => Assert.InRange(p.MeanSquaredError, 1e-4, 0.2));
            Assert.NotNull(result.BreakEven(eightBit).Codec);

            string output = Path.Combine(Path.GetTempPath(), $"compress-{Guid.NewGuid():N}");
            try
            {
                var files = CompressionReport.Write(result, options, output, "compress (test)", TimeSpan.FromSeconds(1));
                string report = File.ReadAllText(Path.Combine(output, CompressionReport.ReportFileName));
                Assert.Contains("| Dense AE, 8-bit | k = 4 |", report);
                Assert.Contains("## Model size and break-even", report);
                Assert.All(files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)), f => Assert.True(new FileInfo(Path.Combine(output, f)).Length > 1000));
                Assert.Equal(2, files.Count(f => f.EndsWith(".png", StringComparison.Ordinal)));
            }
            finally
            {
                if (Directory.Exists(output))
                    Directory.Delete(output, recursive: true);
            }
        }
    }
}
