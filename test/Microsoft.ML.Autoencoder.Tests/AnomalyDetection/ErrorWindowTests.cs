using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Autoencoder.AnomalyDetection;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.AnomalyDetection
{
    /// <summary>The error window of image features (<see cref="AutoencoderAnomalyTrainer.Options.ErrorWindowSize"/>).</summary>
    public class ErrorWindowTests
    {
        private const int Side = 10;

        private sealed class Image
        {
            [VectorType(Side * Side)]
            public float[] Features { get; set; } = Array.Empty<float>();

            public float Label { get; set; }
        }

        /// <summary>
        /// Seeded images: two smooth patterns mixed with random weights plus pixel noise; an outlier has a bright 3 x 3
        /// block at rows and columns 5-7 (a shape the normal images never have).
        /// </summary>
        private static List<Image> Images(int normal, int outliers, int seed)
        {
            var random = new Random(seed);
            var images = new List<Image>();
            for (int n = 0; n < normal + outliers; n++)
            {
                double a = random.NextDouble(), b = random.NextDouble();
                var pixels = new float[Side * Side];
                for (int y = 0; y < Side; y++)
                {
                    for (int x = 0; x < Side; x++)
                    {
                        double value = a * Math.Sin((x + 1) * 0.3) * Math.Cos(y * 0.2) + b * Math.Exp(-((x - 3) * (x - 3) + (y - 4) * (y - 4)) / 8.0) + 0.05 * (random.NextDouble() - 0.5);
                        if (n >= normal && x >= 5 && x <= 7 && y >= 5 && y <= 7)
                            value += 1.5;
                        pixels[y * Side + x] = (float)value;
                    }
                }
                images.Add(new Image { Features = pixels, Label = n >= normal ? 1 : 0 });
            }
            return images;
        }

        private static AutoencoderAnomalyTrainer.Options Options(int window, bool image = true)
        {
            var options = new AutoencoderAnomalyTrainer.Options
            {
                EnsembleSize = 1,
                ImageHeight = image ? Side : null,
                ImageWidth = image ? Side : null,
                ErrorWindowSize = window,
                LatentDimension = 4,
                FeatureContributionsColumnName = "Contributions",
                TopContributorsColumnName = "Top",
            };
            options.Autoencoder.MaximumNumberOfEpochs = 30;
            options.Autoencoder.Seed = 7;
            return options;
        }

        private sealed class Scored
        {
            public float Label { get; set; }

            public float Score { get; set; }

            public float[] Contributions { get; set; } = Array.Empty<float>();

            public int[] Top { get; set; } = Array.Empty<int>();
        }

        [Fact]
        public void Add_RandomResidual_EqualsTheMeanOfSquaredWindowMeansAndSharesSumToIt()
        {
            var window = new ErrorWindow(2, 5, 6, 3);
            var random = new Random(3);
            var residual = Enumerable.Range(0, window.FeatureCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double expected = 0;
            int windows = 0;
            for (int c = 0; c < 2; c++)
            {
                for (int y = 0; y + 3 <= 5; y++)
                {
                    for (int x = 0; x + 3 <= 6; x++)
                    {
                        double sum = 0;
                        for (int dy = 0; dy < 3; dy++)
                        {
                            for (int dx = 0; dx < 3; dx++)
                                sum += residual[c * 30 + (y + dy) * 6 + x + dx];
                        }
                        expected += (sum / 9) * (sum / 9);
                        windows++;
                    }
                }
            }
            Assert.Equal(windows, window.WindowCount);
            double error = 0;
            var shares = new float[window.FeatureCount];
            window.Add(residual, new float[window.FeatureCount], ref error, shares, weight: 0.5);
            Assert.Equal(0.5 * expected / windows, error, 1e-9);
            Assert.Equal(0.5 * expected, shares.Sum(v => (double)v), 1e-5);
            // A corner pixel is in one window only; its share is a ninth of that window's part.
            double corner = residual.Take(3).Sum(v => (double)v) + residual.Skip(6).Take(3).Sum(v => (double)v) + residual.Skip(12).Take(3).Sum(v => (double)v);
            Assert.Equal(0.5 * (corner / 9) * (corner / 9) / 9, shares[0], 1e-6);
        }

        [Fact]
        public void Add_ConstantResidual_EqualsThePixelByPixelError()
        {
            var window = new ErrorWindow(1, 7, 7, 3);
            var residual = Enumerable.Repeat(0.25f, 49).ToArray();
            double error = 0;
            window.Add(residual, new float[49], ref error, Span<float>.Empty, weight: 1);
            Assert.Equal(0.0625, error, 1e-7);
        }

        [Fact]
        public void Fit_ImageShape_WindowedScoreRanksTheBlockOutliersAndNamesAPixelOfTheBlock()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(Images(400, 0, seed: 1));
            var testRows = Images(200, 20, seed: 2);
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Options(window: 3)).Fit(train);
            Assert.Equal(3, detector.ErrorWindowSize);
            var scored = ml.Data.CreateEnumerable<Scored>(detector.Transform(ml.Data.LoadFromEnumerable(testRows)), reuseRowObject: false).ToList();
            var metrics = ml.AnomalyDetection.Evaluate(detector.Transform(ml.Data.LoadFromEnumerable(testRows)));
            Assert.True(metrics.AreaUnderRocCurve > 0.99, $"AUC {metrics.AreaUnderRocCurve}");
            var block = new HashSet<int>(from y in Enumerable.Range(5, 3) from x in Enumerable.Range(5, 3) select y * Side + x);
            foreach (var row in scored.Where(r => r.Label == 1))
            {
                Assert.Contains(row.Top[0], block);
                Assert.InRange(row.Contributions.Sum(c => (double)c), 1 - 1e-4, 1 + 1e-4);
            }
            // The plain score path (no explanation) and the explanation path agree.
            float[] plain = detector.GetScores(testRows.SelectMany(r => r.Features).ToArray());
            NumericAssert.Close(plain, scored.Select(r => r.Score).ToArray());
        }

        [Fact]
        public void Fit_WindowOfOne_ScoresAsFeaturesThatAreNotAnImage()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(Images(200, 0, seed: 1));
            var rows = Images(30, 5, seed: 2).SelectMany(r => r.Features).ToArray();
            using var windowOfOne = ml.AnomalyDetection.Trainers.Autoencoder(Options(window: 1)).Fit(train);
            using var notAnImage = ml.AnomalyDetection.Trainers.Autoencoder(Options(window: 3, image: false)).Fit(train);
            Assert.Equal(1, windowOfOne.ErrorWindowSize);
            Assert.Equal(1, notAnImage.ErrorWindowSize);
            Assert.Equal(notAnImage.GetScores(rows), windowOfOne.GetScores(rows));
        }

        [Fact]
        public void SaveLoad_Window_IsKeptAndScoresAreIdentical()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(Images(200, 0, seed: 1));
            var rows = Images(30, 5, seed: 2).SelectMany(r => r.Features).ToArray();
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(Options(window: 3)).Fit(train);
            using var stream = new MemoryStream();
            ml.Model.Save(detector, train.Schema, stream);
            stream.Position = 0;
            using var loaded = (AutoencoderAnomalyTransformer)ml.Model.Load(stream, out _);
            Assert.Equal(3, loaded.ErrorWindowSize);
            Assert.Equal(detector.GetScores(rows), loaded.GetScores(rows));
        }

        [Fact]
        public void Fit_ConvolutionalArchitectureWithShape_UsesTheWindow()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(Images(64, 0, seed: 1));
            var options = Options(window: 3, image: false);
            options.Autoencoder.Architecture = new ConvolutionalArchitecture { Channels = 1, Height = Side, Width = Side, FilterCounts = new[] { 4 } };
            options.Autoencoder.MaximumNumberOfEpochs = 2;
            using var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(train);
            Assert.Equal(3, detector.ErrorWindowSize);
        }

        [Fact]
        public void Options_BadImageShapeOrWindow_ThrowNamingTheOption()
        {
            var ml = new MLContext(seed: 1);
            var heightOnly = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyTrainer.Options { ImageHeight = 10 }));
            Assert.Equal(nameof(AutoencoderAnomalyTrainer.Options.ImageWidth), heightOnly.ParamName);
            var zero = Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Autoencoder(new AutoencoderAnomalyTrainer.Options { ErrorWindowSize = 0 }));
            Assert.Equal(nameof(AutoencoderAnomalyTrainer.Options.ErrorWindowSize), zero.ParamName);

            var train = ml.Data.LoadFromEnumerable(Images(20, 0, seed: 1));
            var wrongShape = Options(window: 3);
            wrongShape.ImageHeight = 9;
            var shape = Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Autoencoder(wrongShape).Fit(train));
            Assert.Equal(nameof(AutoencoderAnomalyTrainer.Options.ImageHeight), shape.ParamName);
            Assert.Contains("90 values, but the feature column has 100", shape.Message);
            var tooWide = Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Autoencoder(Options(window: 11)).Fit(train));
            Assert.Equal(nameof(AutoencoderAnomalyTrainer.Options.ErrorWindowSize), tooWide.ParamName);
        }
    }
}
