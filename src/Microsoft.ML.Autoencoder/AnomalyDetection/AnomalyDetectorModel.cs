using System;
using System.Collections.Generic;
using Microsoft.ML.Autoencoder.Model;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// The trained state of a detector: its description and the autoencoders it scores with (one, or an ensemble whose
    /// scores are averaged), and the one place that turns their forward passes (<see cref="AutoencoderModel.Forward"/>,
    /// batched) into scores, labels, normalized scores and explanations. The transformer's cursor, row mapper and array API
    /// all call <see cref="Compute"/>.
    /// </summary>
    internal sealed class AnomalyDetectorModel
    {
        public AnomalyDetectorModel(AnomalyDetectorDescription description, IReadOnlyList<AutoencoderTransformer> members)
        {
            if (members.Count == 0)
                throw new ArgumentException("A detector needs at least one autoencoder.", nameof(members));
            Description = description;
            Members = members;
        }

        public AnomalyDetectorDescription Description { get; }

        /// <summary>
        /// The autoencoders, all of one architecture and latent dimension; shared by detectors that differ in their threshold
        /// only, freed by <see cref="AnomalyDetectorLease"/>.
        /// </summary>
        public IReadOnlyList<AutoencoderTransformer> Members { get; }

        /// <summary>The first autoencoder (whose shape every member shares).</summary>
        public AutoencoderTransformer Autoencoder => Members[0];

        public int FeatureCount => Description.FeatureCount;

        public int LatentDimension => Autoencoder.LatentDimension;

        /// <summary>A copy that shares the autoencoders but thresholds at <paramref name="threshold"/>.</summary>
        public AnomalyDetectorModel WithThreshold(AnomalyThresholdFit threshold)
            => new AnomalyDetectorModel(Description with { Threshold = threshold }, Members);

        /// <summary>
        /// Computes the outputs <paramref name="batch"/> asks for, for its first <paramref name="rowCount"/> (standardized)
        /// rows: each member's forward pass in turn, its row errors (or squared errors, and KL divergences) averaged.
        /// </summary>
        public void Compute(AnomalyBatch batch, int rowCount)
        {
            var description = Description;
            int d = FeatureCount, latent = LatentDimension;
            var input = batch.Input;
            int offset = batch.InputOffset;
            var forward = new ForwardInput(input, offset, rowCount, IsAligned: true);
            var members = Members;
            float weight = 1f / members.Count;
            if (batch.ScoresFromModel)
            {
                // Summed in double and divided by the member count: for one member, its own errors to the bit.
                var rowErrors = batch.ForwardOutputs.Errors!;
                var meanErrors = batch.MemberSums;
                Array.Clear(meanErrors, 0, rowCount);
                foreach (var member in members)
                {
                    member.Model.Forward(forward, batch.ForwardOutputs);
                    for (int i = 0; i < rowCount; i++)
                        meanErrors[i] += rowErrors[i];
                }
                for (int i = 0; i < rowCount; i++)
                    SetScore(batch.Outputs, i, (float)(meanErrors[i] / members.Count));
                return;
            }

            float[] errors = batch.SquaredErrors;
            Array.Clear(errors, 0, rowCount * d);
            var divergences = batch.MemberSums;
            Array.Clear(divergences, 0, rowCount);
            Array.Clear(batch.WindowErrors, 0, rowCount);
            var reconstruction = batch.ForwardOutputs.Reconstruction!;
            foreach (var member in members)
            {
                member.Model.Forward(forward, batch.ForwardOutputs);
                if (description.ScoreKind == AnomalyScoreKind.ReconstructionProbability)
                {
                    AddOverDraws(member, batch, rowCount, weight);
                    continue;
                }
                for (int i = 0; i < rowCount; i++)
                    AddErrors(batch, i, reconstruction.AsSpan(i * d, d), 1, weight);
                if (description.ScoreKind == AnomalyScoreKind.NegativeElbo)
                {
                    var mean = batch.ForwardOutputs.Latent!;
                    var logVariance = batch.ForwardOutputs.LogVariance!;
                    for (int i = 0; i < rowCount; i++)
                    {
                        double divergence = 0;
                        for (int k = 0; k < latent; k++)
                        {
                            double mu = mean[i * latent + k], lv = logVariance[i * latent + k];
                            divergence += -0.5 * (1 + lv - mu * mu - Math.Exp(lv));
                        }
                        divergences[i] += divergence * weight;
                    }
                }
            }

            var outputs = batch.Outputs;
            var window = description.ErrorWindow;
            for (int i = 0; i < rowCount; i++)
            {
                var e = errors.AsSpan(i * d, d);
                double sum = 0;
                for (int j = 0; j < d; j++)
                    sum += e[j];
                double score = window is null ? sum / d : batch.WindowErrors[i];
                if (description.ScoreKind == AnomalyScoreKind.NegativeElbo)
                    score += description.Beta * divergences[i] / d;
                SetScore(outputs, i, (float)score);
                if (outputs.Contributions is float[] contributions)
                {
                    var shares = contributions.AsSpan(i * d, d);
                    for (int j = 0; j < d; j++)
                        shares[j] = sum > 0 ? (float)(e[j] / sum) : 0f;
                }
                if (outputs.TopContributors is int[] top)
                    SelectTop(e, top.AsSpan(i * description.TopContributorCount, description.TopContributorCount));
            }
        }

        private void SetScore(AnomalyOutputs outputs, int row, float score)
        {
            var description = Description;
            outputs.Scores[row] = score;
            outputs.Labels[row] = score > description.Threshold.Value;
            if (outputs.NormalizedScores is float[] normalized)
                normalized[row] = description.TrainingScores.Normalize(description.ScoreNormalization, score);
        }

        /// <summary>
        /// Adds to the squared errors <paramref name="weight"/> times their average over <paramref name="member"/>'s
        /// reconstructions of the fixed latent draws mean + exp(log-variance / 2) x draw (the reconstruction probability's
        /// Monte Carlo estimate), after the member's forward pass.
        /// </summary>
        private void AddOverDraws(AutoencoderTransformer member, AnomalyBatch batch, int rowCount, float weight)
        {
            int d = FeatureCount, latent = LatentDimension;
            var draws = Description.ProbabilityDraws!;
            int drawCount = draws.Length / latent;
            var mean = batch.ForwardOutputs.Latent!;
            var logVariance = batch.ForwardOutputs.LogVariance!;
            var sampled = batch.SampledLatent!;
            var decoded = batch.Decoded!;
            var errors = batch.SquaredErrors;
            var input = batch.Input;
            for (int draw = 0; draw < drawCount; draw++)
            {
                for (int i = 0; i < rowCount; i++)
                {
                    for (int k = 0; k < latent; k++)
                    {
                        int index = i * latent + k;
                        sampled[index] = mean[index] + MathF.Exp(0.5f * logVariance[index]) * draws[draw * latent + k];
                    }
                }
                member.Model.Decode(sampled, rowCount, decoded);
                for (int i = 0; i < rowCount; i++)
                    AddErrors(batch, i, decoded.AsSpan(i * d, d), drawCount, weight);
            }
        }

        /// <summary>
        /// Adds row <paramref name="row"/>'s error against <paramref name="reconstruction"/>, divided by
        /// <paramref name="divisor"/> and times <paramref name="weight"/>: each feature's squared error to the batch's
        /// squared errors, or, with an error window, the windowed error to the row's and (for an explanation) each pixel's
        /// share of it.
        /// </summary>
        private void AddErrors(AnomalyBatch batch, int row, ReadOnlySpan<float> reconstruction, int divisor, float weight)
        {
            int d = FeatureCount;
            var x = batch.Input.AsSpan(batch.InputOffset + row * d, d);
            var e = batch.SquaredErrors.AsSpan(row * d, d);
            if (Description.ErrorWindow is not ErrorWindow window)
            {
                for (int j = 0; j < d; j++)
                {
                    float difference = x[j] - reconstruction[j];
                    e[j] += difference * difference / divisor * weight;
                }
                return;
            }
            var residual = batch.Residual.AsSpan(0, d);
            for (int j = 0; j < d; j++)
                residual[j] = x[j] - reconstruction[j];
            bool explain = batch.Outputs.Contributions is not null || batch.Outputs.TopContributors is not null;
            window.Add(residual, batch.WindowScratch, ref batch.WindowErrors[row], explain ? e : Span<float>.Empty, (double)weight / divisor);
        }

        /// <summary>The indices of the largest values, largest first; ties go to the lower index.</summary>
        private static void SelectTop(ReadOnlySpan<float> values, Span<int> top)
        {
            int filled = 0;
            for (int j = 0; j < values.Length; j++)
            {
                float value = values[j];
                if (filled == top.Length && !(value > values[top[filled - 1]]))
                    continue;
                int position = filled < top.Length ? filled++ : filled - 1;
                while (position > 0 && value > values[top[position - 1]])
                {
                    top[position] = top[position - 1];
                    position--;
                }
                top[position] = j;
            }
        }
    }
}
