using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.Autoencoder.Tests.Training.VariantTestHelpers;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    public class SparsityTests
    {
        private readonly ITestOutputHelper _output;

        public SparsityTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Fit_L1Penalty_LossFallsAndPenaltyIsReported()
        {
            var (train, _) = Split();
            var options = SmallOptions();
            options.Sparsity = new SparsityOptions { Weight = 1e-2f };
            using var model = Fit(new MLContext(1), options, train);

            var history = model.TrainingHistory;
            _output.WriteLine(string.Join("\n", history));
            Assert.True(history[^1].TrainingLoss < 0.7 * history[0].TrainingLoss);
            Assert.All(history, h => Assert.True(h.RegularizationLoss > 0 && h.RegularizationLoss < h.TrainingLoss));
            Assert.All(history, h => Assert.Null(h.KullbackLeiblerDivergence));
        }

        [Fact]
        public void Encode_HeldOutRows_PenaltyLowersMeanAbsoluteLatentActivation()
        {
            var (train, test) = Split();
            var rows = SyntheticData.Flatten(test);
            var sparseOptions = SmallOptions();
            sparseOptions.Sparsity = new SparsityOptions { Weight = 1e-2f };
            using var plain = Fit(new MLContext(1), SmallOptions(), train);
            using var sparse = Fit(new MLContext(1), sparseOptions, train);

            double plainActivation = plain.Encode(rows).Average(Math.Abs);
            double sparseActivation = sparse.Encode(rows).Average(Math.Abs);
            _output.WriteLine($"mean |latent|: plain {plainActivation:G4}, sparse {sparseActivation:G4}; held-out MSE plain {MeanSquaredError(plain.Reconstruct(rows), rows):G4}, sparse {MeanSquaredError(sparse.Reconstruct(rows), rows):G4}");
            // Measured: 1.89 vs 0.30 at a held-out error of 0.0022 vs 0.0024. Much of the drop is a smaller
            // code scale that the decoder makes up for (see docs/variants/sparse.md).
            Assert.True(sparseActivation < 0.5 * plainActivation, $"sparse {sparseActivation} vs plain {plainActivation}");
        }
    }
}
