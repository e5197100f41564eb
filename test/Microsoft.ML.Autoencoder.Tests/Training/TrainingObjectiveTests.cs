using Microsoft.ML.Autoencoder.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>The variants' terms against closed forms, on hand-set tensors.</summary>
    public class TrainingObjectiveTests
    {
        [Fact]
        public void KullbackLeiblerDivergence_KnownDistributions_MatchesClosedForm()
        {
            using var scope = torch.NewDisposeScope();
            // Row 0 is the prior itself (KL 0). Row 1: mean (1, 0), variance (1, e): KL = 0.5 * sum(var + mean^2 - 1 - log var)
            // = 0.5 * ((1 + 1 - 1 - 0) + (e + 0 - 1 - 1)) = 0.5 * (e - 1).
            var mean = torch.tensor(new float[] { 0, 0, 1, 0 }, 2, 2);
            var logVariance = torch.tensor(new float[] { 0, 0, 0, 1 }, 2, 2);

            double divergence = TrainingObjective.KullbackLeiblerDivergence(mean, logVariance).item<float>();

            Assert.Equal((0 + 0.5 * (System.Math.E - 1)) / 2, divergence, 1e-6);
        }

        [Fact]
        public void SquaredJacobianNorm_LinearAndSigmoidEncoders_MatchClosedForms()
        {
            using var scope = torch.NewDisposeScope();
            var weight = torch.tensor(new float[] { 1, 2, 0, -1, 0.5f, 3 }, 2, 3);
            var input = torch.tensor(new float[] { 0.1f, 0.2f, 0.3f, -1, 0, 1 }, 2, 3).requires_grad_(true);

            // A linear encoder's Jacobian is its weight matrix at every row.
            var linear = TrainingObjective.SquaredJacobianNorm(input.matmul(weight.t()), input).item<float>();
            Assert.Equal(1 + 4 + 0 + 1 + 0.25 + 9, linear, 1e-5);

            // One sigmoid layer (Rifai et al.'s form): ||J||^2 = sum_k (h_k (1 - h_k))^2 sum_j W_kj^2.
            var hidden = torch.sigmoid(input.matmul(weight.t()));
            var sigmoid = TrainingObjective.SquaredJacobianNorm(hidden, input).item<float>();
            var slope = (hidden * (1 - hidden)).square();
            var expected = (slope * weight.square().sum(1)).sum(1).mean().item<float>();
            Assert.Equal(expected, sigmoid, 1e-6);
            // Differentiable, so that training can lower it.
            Assert.True(TrainingObjective.SquaredJacobianNorm(hidden, input).requires_grad);
        }
    }
}
