using System;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Basics;
using Microsoft.ML.Autoencoder.Samples.Commands;
using Microsoft.ML.Autoencoder.Samples.Comparison;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Autoencoder.Samples.Generate;
using SkiaSharp;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the short samples of <c>Basics/</c> with small settings, so that they cannot rot.</summary>
    public class BasicsSmokeTests
    {
        [Fact]
        public void DimensionalityReductionRun_SmallSettings_BothClassifiersFarAboveChance()
        {
            var output = new StringWriter();

            var (rawPixels, codes) = DimensionalityReduction.Run(trainImages: 1000, latentDimension: 16, epochs: 20, seed: 1, output);

            // Chance is 0.1 with ten balanced classes; features that carry little of the image stay near it.
            Assert.InRange(rawPixels, 0.4, 1);
            Assert.InRange(codes, 0.4, 1);
            Assert.Contains("Training on 1000 images, testing on 2000.", output.ToString());
            Assert.Contains("The autoencoder trained for", output.ToString());
        }

        [Fact]
        public void GenerationRun_SmallSettings_BeatsTheMeanImageAndWritesGridOfSevenRowsOfTen()
        {
            string folder = Path.Combine(Path.GetTempPath(), $"basics-generate-{Guid.NewGuid():N}");
            try
            {
                var (denseError, variationalError, gridPath) = Generation.Run(
                    trainImages: 1000, latentDimension: 8, epochs: 20, seed: 1, folder, TextWriter.Null);

                // Both models have learned more than the average image: predicting it for every held-out image does worse.
                var images = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
                double meanImageError = ImageMath.MeanImageError(images.Test, ImageMath.MeanImage(images.Train.Take(1000)));
                Assert.True(denseError > 0 && denseError < meanImageError, $"dense: {denseError}; the mean image: {meanImageError}");
                Assert.True(variationalError > 0 && variationalError < meanImageError, $"VAE: {variationalError}; the mean image: {meanImageError}");
                Assert.Equal(Path.Combine(folder, Generation.GridFileName), gridPath);
                using var grid = SKBitmap.Decode(gridPath);
                Assert.NotNull(grid);
                // At least the tiles (10 columns, 7 rows: originals, 2 reconstructions, class means, 2 interpolations,
                // samples); at most twice that with labels, title and gaps.
                Assert.InRange(grid.Width, 10 * ImageGridPlot.TileSide, 2 * 10 * ImageGridPlot.TileSide);
                Assert.InRange(grid.Height, 7 * ImageGridPlot.TileSide, 2 * 7 * ImageGridPlot.TileSide);
            }
            finally
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void BasicsCommand_GenerateWithOptions_WritesTheGridToTheOutputFolder()
        {
            string folder = Path.Combine(Path.GetTempPath(), $"basics-command-{Guid.NewGuid():N}");
            try
            {
                int exitCode = BasicsCommand.Create()
                    .Parse(["generate", "--train-images", "200", "--latent", "3", "--epochs", "1", "--seed", "2", "--output", folder])
                    .Invoke(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });

                Assert.Equal(0, exitCode);
                Assert.True(File.Exists(Path.Combine(folder, Generation.GridFileName)));
            }
            finally
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }
}
