using System;
using Microsoft.ML.Autoencoder.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// The loss minimized on one mini-batch: the reconstruction loss plus whatever the configured variants
    /// add. Denoising corrupts the input (the target stays clean); a variational network decodes a sample
    /// of the latent distribution and adds the KL divergence; sparsity and the contractive penalty add
    /// terms on the latent code (the mean, for a variational network). The variants combine freely.
    /// </summary>
    /// <remarks>
    /// All randomness (corruption and the variational sample) comes from one CPU generator seeded from the
    /// training seed, never from torch's global generator, so a seeded training stays reproducible, and the
    /// same on every device: the numbers are drawn on the CPU and then moved to the batch's device.
    /// </remarks>
    internal sealed class TrainingObjective : IDisposable
    {
        private readonly AutoencoderEstimator.Options _options;
        private readonly Generator _generator;

        public TrainingObjective(AutoencoderEstimator.Options options, int seed)
        {
            _options = options;
            // A stream of its own, distinct from the shuffling generator (seeded with the seed itself), so
            // adding a variant does not change the order in which rows are visited.
            _generator = new Generator(unchecked((ulong)seed + 0x9E3779B97F4A7C15UL));
        }

        /// <summary>One batch's loss and its parts; the parts are <see langword="null"/> when no variant adds them.</summary>
        /// <param name="Loss">The scalar minimized: reconstruction plus <paramref name="Regularization"/>.</param>
        /// <param name="Regularization">The weighted sum of the variants' terms.</param>
        /// <param name="KullbackLeibler">The variational network's KL divergence per row (unweighted).</param>
        public readonly record struct Terms(Tensor Loss, Tensor? Regularization, Tensor? KullbackLeibler);

        /// <summary>Computes the loss of reconstructing <paramref name="batch"/> in <paramref name="epoch"/> (from 1).</summary>
        public Terms Compute(AutoencoderNetwork network, Tensor batch, int epoch)
        {
            var input = Corrupt(batch);
            bool contractive = _options.Contractive is not null;
            if (contractive)
                input = input.detach().requires_grad_(true);

            Tensor code;
            Tensor decoded;
            Tensor? kullbackLeibler = null;
            if (network.IsVariational)
            {
                var (mean, logVariance) = network.EncodeDistribution(input);
                var noise = Draw(mean, uniform: false);
                decoded = mean + torch.exp(0.5 * logVariance) * noise;
                kullbackLeibler = KullbackLeiblerDivergence(mean, logVariance);
                code = mean;
            }
            else
            {
                code = decoded = network.Encode(input);
            }

            var loss = network.BatchLoss(network.DecodeToLogits(decoded), batch, _options.Loss);
            Tensor? regularization = null;
            if (kullbackLeibler is not null)
                regularization = Add(regularization, kullbackLeibler * (_options.Variational!.BetaAt(epoch) / network.InputSize));
            if (_options.Sparsity is SparsityOptions sparsity)
                regularization = Add(regularization, code.abs().mean() * sparsity.Weight);
            if (_options.Contractive is ContractiveOptions contraction)
                regularization = Add(regularization, SquaredJacobianNorm(code, input) * contraction.Weight);
            return new Terms(regularization is null ? loss : loss + regularization, regularization, kullbackLeibler);
        }

        public void Dispose() => _generator.Dispose();

        /// <summary>
        /// KL(N(mean, exp(logVariance)) || N(0, I)), summed over the latent units and averaged over the rows.
        /// </summary>
        internal static Tensor KullbackLeiblerDivergence(Tensor mean, Tensor logVariance)
            => (-0.5 * (1 + logVariance - mean.square() - logVariance.exp()).sum(1)).mean();

        /// <summary>
        /// The squared Frobenius norm of d code / d input, averaged over the rows, kept differentiable
        /// (create_graph) so that training minimizes it. Row i's code depends on row i's input only (the
        /// options refuse batch normalization), so the gradient of a latent unit summed over the rows
        /// holds every row's Jacobian row for that unit: one backward pass per latent unit.
        /// </summary>
        internal static Tensor SquaredJacobianNorm(Tensor code, Tensor input)
        {
            Tensor? sum = null;
            for (long unit = 0; unit < code.shape[1]; unit++)
            {
                var gradient = torch.autograd.grad(new[] { code.select(1, unit).sum() }, new[] { input }, retain_graph: true, create_graph: true)[0];
                sum = Add(sum, gradient.square().sum());
            }
            return sum! / input.shape[0];
        }

        private Tensor Corrupt(Tensor batch)
        {
            if (_options.Denoising is not DenoisingOptions denoising)
                return batch;
            using var noGrad = torch.no_grad();
            var input = batch;
            if (denoising.DropProbability > 0)
                input = input.masked_fill(Draw(batch, uniform: true) < denoising.DropProbability, 0);
            if (denoising.NoiseStandardDeviation > 0)
                input = input + Draw(batch, uniform: false) * denoising.NoiseStandardDeviation;
            return input;
        }

        /// <summary>Standard normal or uniform [0, 1) numbers shaped like <paramref name="like"/>, on its device.</summary>
        private Tensor Draw(Tensor like, bool uniform)
        {
            var values = uniform
                ? torch.rand(like.shape, dtype: like.dtype, generator: _generator)
                : torch.randn(like.shape, dtype: like.dtype, generator: _generator);
            return like.device_type == DeviceType.CPU ? values : values.to(like.device);
        }

        private static Tensor Add(Tensor? sum, Tensor term) => sum is null ? term : sum + term;
    }
}
