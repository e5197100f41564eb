using System;
using Microsoft.ML.Autoencoder.Model;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// The trained state of a detector: its description and the autoencoder it scores with, and the one place that turns
    /// the autoencoder's forward pass (<see cref="AutoencoderModel.Forward"/>, batched) into scores, labels, normalized
    /// scores and explanations. The transformer's cursor, row mapper and array API all call <see cref="Compute"/>.
    /// </summary>
    internal sealed class AnomalyDetectorModel
    {
        public AnomalyDetectorModel(AnomalyDetectorDescription description, AutoencoderTransformer autoencoder)
        {
            Description = description;
            Autoencoder = autoencoder;
        }

        public AnomalyDetectorDescription Description { get; }

        /// <summary>The autoencoder; shared by detectors that differ in their threshold only, freed by <see cref="AnomalyDetectorLease"/>.</summary>
        public AutoencoderTransformer Autoencoder { get; }

        public int FeatureCount => Description.FeatureCount;

        public int LatentDimension => Autoencoder.LatentDimension;

        /// <summary>A copy that shares the autoencoder but thresholds at <paramref name="threshold"/>.</summary>
        public AnomalyDetectorModel WithThreshold(AnomalyThresholdFit threshold)
            => new AnomalyDetectorModel(Description with { Threshold = threshold }, Autoencoder);

        /// <summary>Computes the outputs <paramref name="batch"/> asks for, for its first <paramref name="rowCount"/> (standardized) rows.</summary>
        public void Compute(AnomalyBatch batch, int rowCount)
        {
            var description = Description;
            int d = FeatureCount, latent = LatentDimension;
            var model = Autoencoder.Model;
            var input = batch.Input;
            int offset = batch.InputOffset;
            model.Forward(new ForwardInput(input, offset, rowCount, IsAligned: true), batch.ForwardOutputs);
            if (batch.ScoresFromModel)
            {
                var rowErrors = batch.ForwardOutputs.Errors!;
                for (int i = 0; i < rowCount; i++)
                    SetScore(batch.Outputs, i, rowErrors[i]);
                return;
            }

            float[] errors = batch.SquaredErrors;
            var reconstruction = batch.ForwardOutputs.Reconstruction!;
            for (int i = 0; i < rowCount; i++)
            {
                var x = input.AsSpan(offset + i * d, d);
                var r = reconstruction.AsSpan(i * d, d);
                var e = errors.AsSpan(i * d, d);
                for (int j = 0; j < d; j++)
                {
                    float difference = x[j] - r[j];
                    e[j] = difference * difference;
                }
            }

            if (description.ScoreKind == AnomalyScoreKind.ReconstructionProbability)
                AverageOverDraws(batch, rowCount);

            var outputs = batch.Outputs;
            var mean = batch.ForwardOutputs.Latent;
            var logVariance = batch.ForwardOutputs.LogVariance;
            for (int i = 0; i < rowCount; i++)
            {
                var e = errors.AsSpan(i * d, d);
                double sum = 0;
                for (int j = 0; j < d; j++)
                    sum += e[j];
                double score = sum / d;
                if (description.ScoreKind == AnomalyScoreKind.NegativeElbo)
                {
                    double divergence = 0;
                    for (int k = 0; k < latent; k++)
                    {
                        double mu = mean![i * latent + k], lv = logVariance![i * latent + k];
                        divergence += -0.5 * (1 + lv - mu * mu - Math.Exp(lv));
                    }
                    score += description.Beta * divergence / d;
                }
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
        /// Replaces the squared errors with their average over the reconstructions of the fixed latent draws
        /// mean + exp(log-variance / 2) x draw (the reconstruction probability's Monte Carlo estimate).
        /// </summary>
        private void AverageOverDraws(AnomalyBatch batch, int rowCount)
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
            Array.Clear(errors, 0, rowCount * d);
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
                Autoencoder.Model.Decode(sampled, rowCount, decoded);
                for (int i = 0; i < rowCount; i++)
                {
                    var x = input.AsSpan(batch.InputOffset + i * d, d);
                    for (int j = 0; j < d; j++)
                    {
                        float difference = x[j] - decoded[i * d + j];
                        errors[i * d + j] += difference * difference / drawCount;
                    }
                }
            }
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
