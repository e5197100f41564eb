using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// How the trainer tells a healthy network from a broken one (see the remarks on <see cref="AutoencoderTrainer"/>):
    /// losses measured without gradients, the reference a diverged network is measured against, and the checks for
    /// non-finite state and outputs.
    /// </summary>
    internal sealed class TrainingChecks
    {
        private readonly ReconstructionLoss _loss;

        public TrainingChecks(ReconstructionLoss loss) => _loss = loss;

        /// <summary>
        /// A trained network whose mean reconstruction loss on the training rows exceeds this many times
        /// <see cref="ReferenceLoss"/> has diverged. Measured: at most 1.0 for the trained networks of the test suite
        /// (samples included), at most 1.08 over trial runs of dense networks at learning rates from 1e-6 to 1 (Adam and
        /// SGD, with and without batch normalization, sigmoid and identity outputs, data scaled by 0.03 to 1, one to ten
        /// epochs); 2.3 to 3.5 for those that diverged at learning rates from 1 to 1e6 (the sigmoid output at
        /// <c>LearningRate = 1e6</c>: 2.9 to 3.0), 1.6e10 for binary cross-entropy at 1e3.
        /// </summary>
        public const double DivergenceFactor = 1.5;

        /// <summary>The most training rows <see cref="ReferenceLoss"/> and the trained network's loss are measured on (spread evenly over the data).</summary>
        private const long ReferenceRowCount = 4096;

        /// <summary>Up to <see cref="ReferenceRowCount"/> rows of <paramref name="data"/>, spread evenly over it (a view).</summary>
        public static Tensor ReferenceRows(Tensor data)
        {
            long rows = data.shape[0];
            long step = (rows + ReferenceRowCount - 1) / ReferenceRowCount;
            return step == 1 ? data.alias() : data.slice(0, 0, rows, step);
        }

        /// <summary>
        /// What divergence is measured against: the mean reconstruction loss on <paramref name="rows"/> of the network
        /// before training (as initialized, or as the initial model left it; with batch normalization, the larger of its
        /// losses with the running statistics and with each chunk's own) or of the constant output the output activation
        /// gives at 0 (0.5 for the sigmoid, 0 for the identity), whichever is largest.
        /// </summary>
        public double ReferenceLoss(AutoencoderNetwork network, Tensor rows)
        {
            double untrained = Math.Max(Evaluate(network, rows), EvaluateWithBatchStatistics(network, rows));
            double constant;
            using (torch.NewDisposeScope())
            using (torch.no_grad())
                constant = network.RowLoss(torch.zeros_like(rows), rows, _loss).mean().item<float>();
            return Math.Max(untrained, constant);
        }

        /// <summary>The name of the first parameter or buffer holding a NaN or infinite value, or <see langword="null"/>.</summary>
        public static string? FirstNonFiniteState(AutoencoderNetwork network)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            foreach (var (name, tensor) in network.state_dict())
            {
                if (!torch.isfinite(tensor).all().item<bool>())
                    return name;
            }
            return null;
        }

        /// <summary>
        /// The last guard of <see cref="AutoencoderTrainer.Train"/>: the trained network's codes (and log-variances) and reconstructions of
        /// the first training rows are finite, or no model is returned.
        /// </summary>
        public static void CheckOutputsAreFinite(AutoencoderNetwork network, Tensor data)
        {
            network.eval();
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var batch = data.narrow(0, 0, Math.Min(data.shape[0], AutoencoderModel.BatchSize));
            var outputs = new List<(string Name, Tensor Values)>();
            if (network.IsVariational)
            {
                var (mean, logVariance) = network.EncodeDistribution(batch);
                outputs.Add(("latent codes", mean));
                outputs.Add(("log-variances", logVariance));
            }
            else
            {
                outputs.Add(("latent codes", network.Encode(batch)));
            }
            outputs.Add(("reconstructions", network.Decode(outputs[0].Values)));
            foreach (var (name, values) in outputs)
            {
                if (!torch.isfinite(values).all().item<bool>())
                    throw new InvalidOperationException($"Training produced a network whose {name} of the first training rows are not all finite (NaN or infinite), so no model is returned. Lower the learning rate, or check the input's scale.");
            }
        }

        /// <summary>The mean reconstruction loss over <paramref name="data"/>, in inference mode.</summary>
        public double Evaluate(AutoencoderNetwork network, Tensor data)
        {
            network.eval();
            return MeanRowLoss(network, data, minimumRows: 1);
        }

        /// <summary>
        /// The mean reconstruction loss over the rows of <paramref name="rows"/>, streamed in chunks of the inference batch
        /// size, in inference mode; and how many rows there were (the loss is NaN for none).
        /// </summary>
        public (double Loss, long RowCount) Evaluate(AutoencoderNetwork network, StreamingRows rows, Device device)
        {
            network.eval();
            int d = rows.ColumnCount;
            var buffer = new float[(long)AutoencoderModel.BatchSize * d];
            double sum = 0;
            long count = 0;
            using var stream = rows.Open(shuffle: null, bufferRows: 0);
            using (torch.no_grad())
            {
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    using var scope = torch.NewDisposeScope();
                    var batch = TensorConversion.ToTensor(buffer, n, d, device);
                    sum += network.RowLoss(network.DecodeToLogits(network.Encode(batch)), batch, _loss).sum().item<float>();
                    count += n;
                }
            }
            return (count == 0 ? double.NaN : sum / count, count);
        }

        /// <summary>
        /// <see cref="MeanRowLoss"/> with the batch-normalization layers normalizing by each chunk's own statistics, as in
        /// training, and their running statistics put back afterwards; 0 when the network has no such layer. (Before
        /// training, the running statistics are still 0 and 1, which an untrained network's activations are far from.)
        /// </summary>
        private double EvaluateWithBatchStatistics(AutoencoderNetwork network, Tensor data)
        {
            var normalizations = network.modules().OfType<BatchNorm>().ToList();
            if (normalizations.Count == 0)
                return 0;
            var saved = normalizations.SelectMany(normalization => normalization.buffers()).Select(buffer => (Buffer: buffer, Copy: buffer.clone())).ToList();
            try
            {
                network.eval();
                foreach (var normalization in normalizations)
                    normalization.train();
                return MeanRowLoss(network, data, network.MinimumRowsPerBatch);
            }
            finally
            {
                network.eval();
                using (torch.no_grad())
                {
                    foreach (var (buffer, copy) in saved)
                    {
                        buffer.copy_(copy);
                        copy.Dispose();
                    }
                }
            }
        }

        /// <summary>
        /// The mean reconstruction loss over <paramref name="data"/> in chunks of the inference batch size (a last chunk
        /// of fewer than <paramref name="minimumRows"/> joins the one before), without gradients, in the network's mode.
        /// </summary>
        private double MeanRowLoss(AutoencoderNetwork network, Tensor data, long minimumRows)
        {
            double sum = 0;
            long rows = data.shape[0];
            using (torch.no_grad())
            {
                long count;
                for (long start = 0; start < rows; start += count)
                {
                    using var scope = torch.NewDisposeScope();
                    count = Math.Min(AutoencoderModel.BatchSize, rows - start);
                    long rest = rows - start - count;
                    if (rest > 0 && rest < minimumRows)
                        count += rest;
                    var batch = data.narrow(0, start, count);
                    sum += network.RowLoss(network.DecodeToLogits(network.Encode(batch)), batch, _loss).sum().item<float>();
                }
            }
            return sum / rows;
        }
    }
}
