using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Autoencoder.Samples.Generate;
using SkiaSharp;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the <c>generate</c> sample's core on a small slice of the Fashion-MNIST split shipped with the samples.</summary>
    public class GenerateSmokeTests
    {
        private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

        [Fact]
        public void ImageGenerationRun_TinySlice_WritesThreePngGridsAndFiniteErrors()
        {
            var full = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var data = full with { Train = full.Train.Take(300), Test = full.Test.Take(200) };
            string output = Path.Combine(Path.GetTempPath(), $"generate-{Guid.NewGuid():N}");
            var options = new GenerateOptions { LatentDimension = 4, Epochs = 1, BatchSize = 64, SampleGridSide = 3, InterpolationSteps = 4, OutputDirectory = output };
            try
            {
                var result = ImageGeneration.Run(data, options, TextWriter.Null);

                Assert.Equal((300, 200), (result.TrainCount, result.HeldOutCount));
                Assert.Equal(new[] { "dense", "convolutional", "VAE" }, result.Models.Select(model => model.Name));
                Assert.All(result.Models, model =>
                {
                    Assert.Equal(1, model.Epochs);
                    // Sigmoid outputs and pixels both lie in [0, 1].
                    Assert.True(double.IsFinite(model.HeldOutMeanSquaredError) && model.HeldOutMeanSquaredError > 0 && model.HeldOutMeanSquaredError < 1,
                        $"{model.Name}: {model.HeldOutMeanSquaredError}");
                });
                Assert.Equal(
                    new[] { ImageGeneration.ReconstructionsFileName, ImageGeneration.SamplesFileName, ImageGeneration.InterpolationFileName }
                        .Select(name => Path.Combine(output, name)),
                    result.Files);

                // At least the tiles: 10 classes x 4 rows, 3 x 3 samples, (2 ends + 4 steps) x 3 rows; at most a few times that.
                AssertPng(result.Files[0], columns: 10, rows: 4);
                AssertPng(result.Files[1], columns: 3, rows: 3);
                AssertPng(result.Files[2], columns: 6, rows: 3);
            }
            finally
            {
                if (Directory.Exists(output))
                    Directory.Delete(output, recursive: true);
            }
        }

        [Fact]
        public void ImageGenerationRun_HeldOutImagesLackAClass_ThrowsNamingIt()
        {
            var full = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var noBags = Enumerable.Range(0, 300).Where(i => full.Test.Labels[i] != 8).ToArray();
            var data = full with { Train = full.Train.Take(100), Test = full.Test.Select(noBags) };

            var exception = Assert.Throws<InvalidOperationException>(() => ImageGeneration.Run(data, new GenerateOptions { OutputDirectory = Path.GetTempPath() }, TextWriter.Null));

            Assert.Contains("Bag", exception.Message);
        }

        [Fact]
        public void ImageGenerationRun_OneInterpolationStep_ThrowsNamingOption()
        {
            var full = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);

            var exception = Assert.Throws<ArgumentOutOfRangeException>(
                () => ImageGeneration.Run(full, new GenerateOptions { InterpolationSteps = 1 }, TextWriter.Null));

            Assert.Contains(nameof(GenerateOptions.InterpolationSteps), exception.Message);
        }

        [Fact]
        public void ImageGridPlotRender_OneImage_DrawsItUprightSquareAndUnsmoothed()
        {
            // Top half grey 0.5; bottom left black; bottom right dark grey 0.25.
            var pixels = new float[FashionMnist.PixelCount];
            for (int y = 0; y < FashionMnist.ImageSide; y++)
            {
                for (int x = 0; x < FashionMnist.ImageSide; x++)
                    pixels[y * FashionMnist.ImageSide + x] = y < 14 ? 0.5f : x < 14 ? 0f : 0.25f;
            }

            var png = ImageGridPlot.Render(title: "", subtitle: null, columnHeaders: null, [new ImageGridRow("", pixels)]);

            using var bitmap = SKBitmap.Decode(png);
            var grey = Region(bitmap, 128);
            var black = Region(bitmap, 0);
            var darkGrey = Region(bitmap, 64);
            int half = ImageGridPlot.TileSide / 2;
            foreach (var region in new[] { grey, black, darkGrey })
                Assert.True(region.Count > 0);
            Assert.InRange(black.Width, half - 1, half + 1);
            Assert.InRange(black.Height, half - 1, half + 1);
            Assert.InRange(grey.Width, ImageGridPlot.TileSide - 1, ImageGridPlot.TileSide + 1);
            Assert.True(grey.Bottom <= black.Top + 1, $"grey ends at y = {grey.Bottom}, black starts at y = {black.Top}: the image is upside down");
            Assert.True(black.Right <= darkGrey.Left + 1, $"black ends at x = {black.Right}, dark grey starts at x = {darkGrey.Left}: the image is mirrored");
            // Without smoothing, the levels meet without a blend: straight down through the black quarter, and across it.
            int middleX = (black.Left + black.Right) / 2, middleY = (black.Top + black.Bottom) / 2;
            for (int y = grey.Top + 2; y < black.Bottom - 2; y++)
                Assert.Contains(bitmap.GetPixel(middleX, y).Red, new byte[] { 128, 0 });
            for (int x = black.Left + 2; x < darkGrey.Right - 2; x++)
                Assert.Contains(bitmap.GetPixel(x, middleY).Red, new byte[] { 0, 64 });
        }

        private static void AssertPng(string path, int columns, int rows)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(PngSignature, bytes.Take(PngSignature.Length));
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
            int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
            int height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
            Assert.InRange(width, columns * ImageGridPlot.TileSide, 3 * columns * ImageGridPlot.TileSide + 400);
            Assert.InRange(height, rows * ImageGridPlot.TileSide, 3 * rows * ImageGridPlot.TileSide + 200);
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        }

        /// <summary>The bounding box (right and bottom exclusive) and count of the pixels of one grey level.</summary>
        private static (int Left, int Top, int Right, int Bottom, int Count, int Width, int Height) Region(SKBitmap bitmap, byte level)
        {
            int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1, count = 0;
            for (int y = 0; y < bitmap.Height; y++)
            {
                for (int x = 0; x < bitmap.Width; x++)
                {
                    var color = bitmap.GetPixel(x, y);
                    if (color.Red != level || color.Green != level || color.Blue != level)
                        continue;
                    count++;
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x + 1), Math.Max(bottom, y + 1));
                }
            }

            return (left, top, right, bottom, count, right - left, bottom - top);
        }
    }
}
