using System;
using System.Globalization;
using System.Linq;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// A fitted threshold: its value, the method and parameter it came from, and a sentence that says how (shown on the
    /// model and in the log). Scores strictly above <see cref="Value"/> are anomalies.
    /// </summary>
    /// <param name="Method">How it was chosen.</param>
    /// <param name="Parameter">The method's parameter: the contamination, the deviation multiplier, or 0.</param>
    /// <param name="Value">The threshold score.</param>
    /// <param name="Description">How it was chosen, in words.</param>
    internal sealed record AnomalyThresholdFit(AnomalyThresholdMethod Method, double Parameter, float Value, string Description)
    {
        /// <summary>Fits a threshold of <paramref name="method"/> to the training scores.</summary>
        public static AnomalyThresholdFit Fit(AnomalyThresholdMethod method, float[] trainingScores, double contamination, double deviationMultiplier, float explicitValue)
        {
            var sorted = trainingScores.Select(s => (double)s).ToArray();
            Array.Sort(sorted);
            int n = sorted.Length;
            return method switch
            {
                AnomalyThresholdMethod.Explicit => new AnomalyThresholdFit(method, 0, explicitValue, Invariant($"given explicitly ({explicitValue:G6})")),
                AnomalyThresholdMethod.Contamination => new AnomalyThresholdFit(method, contamination, (float)Quantile(sorted, 1 - contamination),
                    Invariant($"the {1 - contamination:0.###} quantile of the {n} training scores (contamination {contamination:0.###})")),
                AnomalyThresholdMethod.MedianAbsoluteDeviation => MedianAbsoluteDeviation(sorted, deviationMultiplier),
                AnomalyThresholdMethod.Otsu => Otsu(sorted),
                AnomalyThresholdMethod.GaussianMixture => GaussianMixture(sorted),
                _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown threshold method."),
            };
        }

        /// <summary>The threshold <paramref name="value"/> given explicitly (after training: <c>WithThreshold</c>).</summary>
        public static AnomalyThresholdFit Explicit(float value)
            => new AnomalyThresholdFit(AnomalyThresholdMethod.Explicit, 0, value, Invariant($"given explicitly ({value:G6})"));

        /// <summary>The <paramref name="p"/> quantile of sorted values, interpolated linearly (NumPy's default, which PyOD uses).</summary>
        internal static double Quantile(double[] sorted, double p)
        {
            double position = p * (sorted.Length - 1);
            int low = (int)Math.Floor(position);
            int high = Math.Min(low + 1, sorted.Length - 1);
            return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
        }

        /// <summary>
        /// The logarithms of the scores, which the automatic rules work on. Scores are non-negative; a zero score (a row
        /// reconstructed exactly) is taken as the smallest positive score, so that the logarithm is finite.
        /// </summary>
        private static double[] Logarithms(double[] sorted)
        {
            double smallestPositive = sorted.FirstOrDefault(s => s > 0);
            if (smallestPositive == 0)
                smallestPositive = double.Epsilon;
            return sorted.Select(s => Math.Log(Math.Max(s, smallestPositive))).ToArray();
        }

        private static AnomalyThresholdFit MedianAbsoluteDeviation(double[] sorted, double k)
        {
            var logs = Logarithms(sorted);
            double median = Quantile(logs, 0.5);
            var deviations = logs.Select(l => Math.Abs(l - median)).ToArray();
            Array.Sort(deviations);
            double mad = Quantile(deviations, 0.5);
            double value = Math.Exp(median + k * 1.4826 * mad);
            return new AnomalyThresholdFit(AnomalyThresholdMethod.MedianAbsoluteDeviation, k, (float)value,
                Invariant($"automatic: exp(median + {k:G3} x 1.4826 x MAD) of the logarithms of the {sorted.Length} training scores (median {Math.Exp(median):G4}, MAD {mad:G4}); it flags {FlaggedShare(sorted, value):P1} of them"));
        }

        private static AnomalyThresholdFit Otsu(double[] sorted)
        {
            var logs = Logarithms(sorted);
            const int bins = 256;
            double low = logs[0], high = logs[^1];
            if (!(high > low))
                return new AnomalyThresholdFit(AnomalyThresholdMethod.Otsu, 0, (float)sorted[^1], Invariant($"automatic (Otsu): all {sorted.Length} training scores are equal, so the threshold is that score"));
            var counts = new double[bins];
            double width = (high - low) / bins;
            foreach (double l in logs)
                counts[Math.Min(bins - 1, (int)((l - low) / width))]++;
            double total = logs.Length, sumAll = 0;
            for (int b = 0; b < bins; b++)
                sumAll += counts[b] * (low + (b + 0.5) * width);
            double weightBelow = 0, sumBelow = 0, best = -1;
            int bestCut = bins - 1;
            for (int b = 0; b < bins - 1; b++)
            {
                weightBelow += counts[b];
                sumBelow += counts[b] * (low + (b + 0.5) * width);
                double weightAbove = total - weightBelow;
                if (weightBelow == 0 || weightAbove == 0)
                    continue;
                double meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove;
                double between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
                if (between > best)
                {
                    best = between;
                    bestCut = b;
                }
            }
            double value = Math.Exp(low + (bestCut + 1) * width);
            return new AnomalyThresholdFit(AnomalyThresholdMethod.Otsu, 0, (float)value,
                Invariant($"automatic: Otsu's split of a {bins}-bin histogram of the logarithms of the {sorted.Length} training scores; it flags {FlaggedShare(sorted, value):P1} of them"));
        }

        private static AnomalyThresholdFit GaussianMixture(double[] sorted)
        {
            var logs = Logarithms(sorted);
            int n = logs.Length;
            double mean = logs.Average();
            double variance = logs.Sum(l => (l - mean) * (l - mean)) / n;
            if (!(variance > 0))
                return new AnomalyThresholdFit(AnomalyThresholdMethod.GaussianMixture, 0, (float)sorted[^1], Invariant($"automatic (Gaussian mixture): all {n} training scores are equal, so the threshold is that score"));

            // Start: the lower component on the lower 90%, the upper one on the top 10% (anomalies are the rarer group).
            double[] weight = { 0.9, 0.1 };
            double[] mu = { Quantile(logs, 0.45), Quantile(logs, 0.95) };
            double[] sigma2 = { variance, variance };
            var responsibility = new double[n];
            double floor = 1e-6 * variance;
            for (int iteration = 0; iteration < 200; iteration++)
            {
                for (int i = 0; i < n; i++)
                {
                    double p0 = weight[0] * Normal(logs[i], mu[0], sigma2[0]);
                    double p1 = weight[1] * Normal(logs[i], mu[1], sigma2[1]);
                    responsibility[i] = p0 + p1 > 0 ? p1 / (p0 + p1) : (logs[i] > mu[1] ? 1 : 0);
                }
                double r1 = responsibility.Sum(), r0 = n - r1;
                if (r1 < 1e-9 || r0 < 1e-9)
                    break;
                double[] previous = { mu[0], mu[1] };
                mu[0] = logs.Select((l, i) => (1 - responsibility[i]) * l).Sum() / r0;
                mu[1] = logs.Select((l, i) => responsibility[i] * l).Sum() / r1;
                sigma2[0] = Math.Max(floor, logs.Select((l, i) => (1 - responsibility[i]) * (l - mu[0]) * (l - mu[0])).Sum() / r0);
                sigma2[1] = Math.Max(floor, logs.Select((l, i) => responsibility[i] * (l - mu[1]) * (l - mu[1])).Sum() / r1);
                weight[0] = r0 / n;
                weight[1] = r1 / n;
                if (Math.Abs(mu[0] - previous[0]) + Math.Abs(mu[1] - previous[1]) < 1e-9 * (1 + Math.Abs(mean)))
                    break;
            }
            int upper = mu[1] >= mu[0] ? 1 : 0, lower = 1 - upper;
            // The first sorted log score above the overall mean where the upper component is the more probable.
            double value = sorted[^1];
            for (int i = 0; i < n; i++)
            {
                if (logs[i] < mean)
                    continue;
                if (weight[upper] * Normal(logs[i], mu[upper], sigma2[upper]) > weight[lower] * Normal(logs[i], mu[lower], sigma2[lower]))
                {
                    value = i > 0 ? sorted[i - 1] : sorted[0];
                    break;
                }
            }
            return new AnomalyThresholdFit(AnomalyThresholdMethod.GaussianMixture, 0, (float)value,
                Invariant($"automatic: where the upper of two Gaussians fitted to the logarithms of the {n} training scores becomes the more probable (weights {weight[lower]:0.###}/{weight[upper]:0.###}); it flags {FlaggedShare(sorted, value):P1} of them"));
        }

        private static double Normal(double x, double mean, double variance)
            => Math.Exp(-0.5 * (x - mean) * (x - mean) / variance) / Math.Sqrt(2 * Math.PI * variance);

        private static double FlaggedShare(double[] sorted, double threshold)
        {
            float t = (float)threshold;
            return sorted.Count(s => (float)s > t) / (double)sorted.Length;
        }

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
