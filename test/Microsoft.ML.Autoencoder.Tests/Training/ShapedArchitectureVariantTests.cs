using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Architectures;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>The variants on the convolutional and recurrent architectures (the other tests use the dense one).</summary>
    public class ShapedArchitectureVariantTests
    {
        private readonly ITestOutputHelper _output;

        public ShapedArchitectureVariantTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Fit_ConvolutionalDenoisingVariational_LossFallsAndSamplesHaveTheImageSize()
        {
            var ml = new MLContext(1);
            var images = ShapedData.BlobsAndBars(64, side: 8, seed: 2);
            var options = new AutoencoderEstimator.Options
            {
                LatentDimension = 4,
                Architecture = new ConvolutionalArchitecture { FilterCounts = new[] { 4, 8 } },
                Loss = ReconstructionLoss.BinaryCrossEntropy,
                Denoising = new DenoisingOptions { DropProbability = 0.2f },
                Variational = new VariationalOptions(),
                LogVarianceColumnName = "LogVariance",
                MaximumNumberOfEpochs = 6,
                Patience = 6,
                BatchSize = 16,
                LearningRate = 1e-2f,
                Seed = 1,
            };
            using var model = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, images, 1, 8, 8));

            var history = model.TrainingHistory;
            _output.WriteLine(string.Join("\n", history));
            Assert.True(history[^1].TrainingLoss < 0.95 * history[0].TrainingLoss);
            Assert.All(history, h => Assert.True(h.KullbackLeiblerDivergence > 0));
            Assert.Equal(5 * 64, model.Sample(5, seed: 1).Length);
            var path = model.Interpolate(images[0], images[1], steps: 4);
            Assert.Equal(4 * 64, path.Length);
        }

        [Fact]
        public void Fit_RecurrentSparseVariational_LossFallsAndKullbackLeiblerIsReported()
        {
            var ml = new MLContext(1);
            var sequences = ShapedData.NoisySines(128, 12, 2, seed: 3);
            var options = new AutoencoderEstimator.Options
            {
                LatentDimension = 3,
                Architecture = new RecurrentArchitecture { Cell = RecurrentCell.Gru, HiddenSize = 16 },
                OutputActivation = OutputActivation.Identity,
                Sparsity = new SparsityOptions(),
                Variational = new VariationalOptions { Beta = 0.5f },
                MaximumNumberOfEpochs = 8,
                Patience = 8,
                BatchSize = 16,
                LearningRate = 1e-2f,
                Seed = 1,
            };
            using var model = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, sequences, 12, 2));

            var history = model.TrainingHistory;
            _output.WriteLine(string.Join("\n", history));
            Assert.True(history[^1].TrainingLoss < 0.95 * history[0].TrainingLoss);
            Assert.All(history, h => Assert.True(h.KullbackLeiblerDivergence > 0 && h.RegularizationLoss > h.KullbackLeiblerDivergence * 0.5 / 24));
        }

        public static TheoryData<AutoencoderArchitecture> ShapedArchitectures => new TheoryData<AutoencoderArchitecture>
        {
            new ConvolutionalArchitecture { Height = 4, Width = 5 },
            new RecurrentArchitecture { Timesteps = 10, FeaturesPerStep = 2 },
        };

        [Theory]
        [MemberData(nameof(ShapedArchitectures))]
        public void Create_ContractiveOnShapedArchitecture_ThrowsNamingContractiveAndArchitecture(AutoencoderArchitecture architecture)
        {
            var options = new AutoencoderEstimator.Options { LatentDimension = 3, Architecture = architecture, Contractive = new ContractiveOptions() };

            var error = Assert.Throws<ArgumentException>(() => new MLContext(1).Transforms.Autoencoder(options));

            Assert.Equal(nameof(AutoencoderEstimator.Options.Contractive), error.ParamName);
            Assert.Contains(architecture.GetType().Name, error.Message);
            Assert.Contains(nameof(DenseArchitecture), error.Message);
        }
    }
}
