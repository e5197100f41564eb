using System;
using Microsoft.ML.Autoencoder.Tests.Training;
using Xunit;
using static Microsoft.ML.Autoencoder.Tests.Training.VariantTestHelpers;

namespace Microsoft.ML.Autoencoder.Tests.Variants
{
    public class VariantOptionsTests
    {
        public static TheoryData<Action<AutoencoderEstimator.Options>, string> BadOptions => new TheoryData<Action<AutoencoderEstimator.Options>, string>
        {
            { o => o.Denoising = new DenoisingOptions(), "Denoising.NoiseStandardDeviation" },
            { o => o.Denoising = new DenoisingOptions { NoiseStandardDeviation = -0.1f }, "Denoising.NoiseStandardDeviation" },
            { o => o.Denoising = new DenoisingOptions { NoiseStandardDeviation = float.PositiveInfinity }, "Denoising.NoiseStandardDeviation" },
            { o => o.Denoising = new DenoisingOptions { DropProbability = 1 }, "Denoising.DropProbability" },
            { o => o.Sparsity = new SparsityOptions { Weight = 0 }, "Sparsity.Weight" },
            { o => o.Contractive = new ContractiveOptions { Weight = float.NaN }, "Contractive.Weight" },
            { o => { o.Contractive = new ContractiveOptions(); o.Architecture = new DenseArchitecture { BatchNormalization = true }; }, nameof(AutoencoderEstimator.Options.Contractive) },
            { o => o.Variational = new VariationalOptions { Beta = -1 }, "Variational.Beta" },
            { o => o.Variational = new VariationalOptions { KullbackLeiblerWarmupEpochs = -1 }, "Variational.KullbackLeiblerWarmupEpochs" },
            { o => o.LogVarianceColumnName = "LogVariance", nameof(AutoencoderEstimator.Options.LogVarianceColumnName) },
            { o => { o.Variational = new VariationalOptions(); o.LogVarianceColumnName = "Latent"; }, nameof(AutoencoderEstimator.Options.LogVarianceColumnName) },
            { o => o.FreezeEncoder = true, nameof(AutoencoderEstimator.Options.FreezeEncoder) },
        };

        [Theory]
        [MemberData(nameof(BadOptions))]
        public void Create_BadVariantOption_ThrowsNamingOption(Action<AutoencoderEstimator.Options> spoil, string optionName)
        {
            var options = SmallOptions();
            spoil(options);

            var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext(1).Transforms.Autoencoder(options));
            Assert.Equal(optionName, error.ParamName);
        }

        [Fact]
        public void Create_ContractiveWithBatchNormalization_ExplainsWhy()
        {
            var options = SmallOptions();
            options.Contractive = new ContractiveOptions();
            options.Architecture = new DenseArchitecture { BatchNormalization = true };

            var error = Assert.Throws<ArgumentException>(() => new MLContext(1).Transforms.Autoencoder(options));
            Assert.Contains("batch normalization", error.Message);
        }

        [Fact]
        public void Fit_VariantOptionsChangedAfterCreation_EstimatorKeepsItsCopy()
        {
            var (train, _) = Split(trainRows: 50);
            var options = SmallOptions(epochs: 2);
            options.Denoising = new DenoisingOptions { DropProbability = 0.2f };
            options.Variational = new VariationalOptions();
            var ml = new MLContext(1);
            var estimator = ml.Transforms.Autoencoder(options);
            options.Denoising.DropProbability = 5;
            options.Variational.Beta = -1;

            using var model = estimator.Fit(SyntheticData.ToDataView(ml, train, Size));
            Assert.True(model.IsVariational);
        }

        [Fact]
        public void Fit_AllVariantsTogether_LossFallsAndEveryTermIsReported()
        {
            var (train, _) = Split();
            var options = VariationalTests.VariationalOptions();
            options.Denoising = new DenoisingOptions { NoiseStandardDeviation = 0.1f, DropProbability = 0.1f };
            options.Sparsity = new SparsityOptions();
            options.Contractive = new ContractiveOptions();
            using var model = Fit(new MLContext(1), options, train);

            var history = model.TrainingHistory;
            Assert.True(history[^1].TrainingLoss < 0.95 * history[0].TrainingLoss);
            // The regularization holds more than the KL term: the sparsity and contractive penalties too.
            Assert.All(history, h => Assert.True(h.RegularizationLoss > h.KullbackLeiblerDivergence / Size));
        }
    }
}
