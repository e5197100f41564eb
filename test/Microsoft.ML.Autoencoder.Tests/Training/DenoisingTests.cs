using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.Autoencoder.Tests.Training.VariantTestHelpers;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    public class DenoisingTests
    {
        private readonly ITestOutputHelper _output;

        public DenoisingTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Fit_GaussianNoise_LossFalls()
        {
            var (train, _) = Split();
            var options = SmallOptions();
            options.Denoising = new DenoisingOptions { NoiseStandardDeviation = 0.2f };
            using var model = Fit(new MLContext(1), options, train);

            var history = model.TrainingHistory;
            _output.WriteLine($"loss {history[0].TrainingLoss:G4} -> {history[^1].TrainingLoss:G4}");
            Assert.True(history[^1].TrainingLoss < 0.7 * history[0].TrainingLoss);
            Assert.All(history, h => Assert.Null(h.RegularizationLoss));
        }

        [Fact]
        public void Fit_Masking_LossFallsAndIsReproducible()
        {
            var (train, _) = Split();
            var options = SmallOptions(epochs: 10);
            options.Denoising = new DenoisingOptions { DropProbability = 0.3f };
            using var first = Fit(new MLContext(1), options, train);
            using var second = Fit(new MLContext(2), options, train);

            Assert.True(first.TrainingHistory[^1].TrainingLoss < 0.7 * first.TrainingHistory[0].TrainingLoss);
            // The corruption comes from a generator seeded by Options.Seed, not from global state.
            Assert.Equal(first.TrainingHistory.Select(h => h.TrainingLoss), second.TrainingHistory.Select(h => h.TrainingLoss));
        }

        [Theory]
        [InlineData(0.3f, 0f)]
        [InlineData(0f, 0.3f)]
        public void Reconstruct_HeldOutRowsWithTrainingNoise_DenoisingModelIsCloserToCleanRowsThanPlainModel(float noiseStandardDeviation, float dropProbability)
        {
            var (train, test) = Split();
            var clean = SyntheticData.Flatten(test);
            var random = new Random(11);
            var corrupted = dropProbability > 0
                ? clean.Select(v => random.NextDouble() < dropProbability ? 0f : v).ToArray()
                : AddNoise(clean, noiseStandardDeviation, seed: 11);
            var denoisingOptions = SmallOptions();
            denoisingOptions.Denoising = new DenoisingOptions { NoiseStandardDeviation = noiseStandardDeviation, DropProbability = dropProbability };
            using var plain = Fit(new MLContext(1), SmallOptions(), train);
            using var denoising = Fit(new MLContext(1), denoisingOptions, train);

            double plainError = MeanSquaredError(plain.Reconstruct(corrupted), clean);
            double denoisingError = MeanSquaredError(denoising.Reconstruct(corrupted), clean);
            _output.WriteLine($"corrupted input vs clean {MeanSquaredError(corrupted, clean):G4}; plain {plainError:G4}; denoising {denoisingError:G4}");
            // Measured: 0.0156 vs 0.0130 (noise), 0.0302 vs 0.0243 (masking). The 3-unit bottleneck already
            // removes much of the noise, so the gain is moderate; 0.9 leaves room for platform differences.
            Assert.True(denoisingError < 0.9 * plainError, $"denoising {denoisingError} vs plain {plainError}");
        }
    }
}
