using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.Autoencoder.Tests.Training.VariantTestHelpers;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    public class WarmStartTests
    {
        private readonly ITestOutputHelper _output;

        public WarmStartTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Fit_InitialModelOnNewRows_StartsAtTheInitialModelsLoss()
        {
            var (train, newRows) = Split(trainRows: 300, testRows: 200);
            using var initial = Fit(new MLContext(1), SmallOptions(), train);
            double before = initial.TrainingHistory[^1].TrainingLoss;
            double startingError = initial.GetReconstructionErrors(SyntheticData.Flatten(newRows)).Average();
            var options = SmallOptions(epochs: 5);
            options.InitialModel = initial;
            options.LearningRate = 1e-3f; // fine-tuning: a tenth of the initial training's rate
            options.Seed = 2;
            using var continued = Fit(new MLContext(1), options, newRows);
            using var fresh = Fit(new MLContext(1), SmallOptions(epochs: 5), newRows);

            double first = continued.TrainingHistory[0].TrainingLoss;
            _output.WriteLine($"initial model: first epoch {initial.TrainingHistory[0].TrainingLoss:G4}, last {before:G4}, error on the new rows {startingError:G4}; "
                + $"continued: first {first:G4}, last {continued.TrainingHistory[^1].TrainingLoss:G4}; fresh: first {fresh.TrainingHistory[0].TrainingLoss:G4}");
            // Measured: 0.00197 (last epoch), 0.00209 (error on the new rows), 0.00207 (first epoch continued),
            // 0.119 (first epoch from scratch). The first epoch averages losses while it trains: close, not equal.
            Assert.InRange(first, 0.8 * before, 1.2 * before);
            Assert.InRange(first, 0.9 * startingError, 1.1 * startingError);
            Assert.True(first < 0.1 * fresh.TrainingHistory[0].TrainingLoss);
            // The initial model is only read.
            Assert.Equal(before, initial.TrainingHistory[^1].TrainingLoss);
            Assert.Equal(startingError, initial.GetReconstructionErrors(SyntheticData.Flatten(newRows)).Average());
        }

        [Fact]
        public void Fit_FreezeEncoder_LatentCodesStayAndDecoderTrains()
        {
            var (train, test) = Split();
            var options = SmallOptions(epochs: 5);
            options.Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 }, Dropout = 0.2f, BatchNormalization = true };
            using var initial = Fit(new MLContext(1), options, train);
            var rows = SyntheticData.Flatten(test);
            var noisy = AddNoise(SyntheticData.Flatten(train), 0.1f, seed: 5).Select(v => Math.Clamp(v, 0f, 1f)).ToArray();

            options.InitialModel = initial;
            options.FreezeEncoder = true;
            options.MaximumNumberOfEpochs = 3;
            using var tuned = Fit(new MLContext(1), options, Enumerable.Range(0, train.Length).Select(i => noisy[(i * Size)..((i + 1) * Size)]).ToArray());

            // Dropout is off and batch-normalization statistics stay fixed in a frozen encoder: the codes are exact.
            Assert.Equal(initial.Encode(rows), tuned.Encode(rows));
            Assert.NotEqual(initial.Reconstruct(rows), tuned.Reconstruct(rows));
        }

        [Fact]
        public void Fit_InitialModelOfAnotherArchitecture_ThrowsNamingParameterAndShapes()
        {
            var (train, _) = Split(trainRows: 50);
            using var initial = Fit(new MLContext(1), SmallOptions(epochs: 1), train);
            var options = SmallOptions(epochs: 1);
            options.Architecture = new DenseArchitecture { HiddenSizes = new[] { 24 } };
            options.InitialModel = initial;

            var error = Assert.Throws<ArgumentException>(() => Fit(new MLContext(1), options, train));
            Assert.Equal(nameof(AutoencoderEstimator.Options.InitialModel), error.ParamName);
            Assert.Contains("[16, 20]", error.Message);
            Assert.Contains("[24, 20]", error.Message);
        }

        [Fact]
        public void Fit_InitialModelWithOtherLatentDimensionOrVariant_ThrowsNamingInitialModel()
        {
            var (train, _) = Split(trainRows: 50);
            using var initial = Fit(new MLContext(1), SmallOptions(epochs: 1), train);
            var otherLatent = SmallOptions(epochs: 1);
            otherLatent.LatentDimension = 4;
            otherLatent.InitialModel = initial;
            var variational = SmallOptions(epochs: 1);
            variational.Variational = new VariationalOptions();
            variational.InitialModel = initial;

            var latentError = Assert.Throws<ArgumentException>(() => Fit(new MLContext(1), otherLatent, train));
            var variationalError = Assert.Throws<ArgumentException>(() => Fit(new MLContext(1), variational, train));
            Assert.Equal(nameof(AutoencoderEstimator.Options.InitialModel), latentError.ParamName);
            Assert.Contains("latent dimension of 3", latentError.Message);
            Assert.Equal(nameof(AutoencoderEstimator.Options.InitialModel), variationalError.ParamName);
            Assert.Contains("not variational", variationalError.Message);
        }

        [Fact]
        public void Fit_DisposedInitialModel_ThrowsObjectDisposed()
        {
            var (train, _) = Split(trainRows: 50);
            var initial = Fit(new MLContext(1), SmallOptions(epochs: 1), train);
            initial.Dispose();
            var options = SmallOptions(epochs: 1);
            options.InitialModel = initial;

            Assert.Throws<ObjectDisposedException>(() => Fit(new MLContext(1), options, train));
        }
    }
}
