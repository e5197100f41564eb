using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Data;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.Autoencoder.Tests.Training.VariantTestHelpers;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    public class VariationalTests
    {
        private readonly ITestOutputHelper _output;

        public VariationalTests(ITestOutputHelper output) => _output = output;

        /// <summary>A small VAE: 2 latent units, binary cross-entropy (the data is in [0, 1]).</summary>
        internal static AutoencoderEstimator.Options VariationalOptions(int epochs = 30)
        {
            var options = SmallOptions(epochs);
            options.LatentDimension = 2;
            options.Architecture = new DenseArchitecture { HiddenSizes = new[] { 32 } };
            options.Loss = ReconstructionLoss.BinaryCrossEntropy;
            options.Variational = new VariationalOptions();
            return options;
        }

        [Fact]
        public void Fit_Variational_LossFallsAndKullbackLeiblerIsReportedEachEpoch()
        {
            var (train, _) = Split();
            using var model = Fit(new MLContext(1), VariationalOptions(), train);

            var history = model.TrainingHistory;
            _output.WriteLine(string.Join("\n", history));
            Assert.True(model.IsVariational);
            Assert.True(history[^1].TrainingLoss < 0.95 * history[0].TrainingLoss);
            Assert.All(history, h => Assert.True(h.KullbackLeiblerDivergence > 0 && double.IsFinite(h.KullbackLeiblerDivergence!.Value)));
            // With beta = 1 and no other variant, the regularization is exactly the KL divided by the input size.
            Assert.All(history, h => Assert.Equal(h.KullbackLeiblerDivergence!.Value / Size, h.RegularizationLoss!.Value, 1e-6));
            // Encoding information costs KL: it grows from ~0 (untrained encoder) as the latent space is used.
            Assert.True(history[^1].KullbackLeiblerDivergence > 10 * history[0].KullbackLeiblerDivergence);
        }

        [Fact]
        public void Encode_TrainingRows_LatentMeansAreRoughlyStandardNormal()
        {
            var (train, _) = Split();
            using var model = Fit(new MLContext(1), VariationalOptions(), train);
            var codes = model.Encode(SyntheticData.Flatten(train));

            // When the KL term has done its job, the codes of the data, taken together, look like the prior:
            // mean 0, and variance of the means plus mean posterior variance near 1. So the means' standard
            // deviation is below 1 (the posteriors have some width), yet far from 0 when the unit is used.
            // Measured: means 0.035 and 0.042, standard deviations 0.85 and 0.90.
            for (int unit = 0; unit < model.LatentDimension; unit++)
            {
                var values = Enumerable.Range(0, train.Length).Select(i => (double)codes[i * model.LatentDimension + unit]).ToArray();
                double mean = values.Average();
                double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
                _output.WriteLine($"unit {unit}: mean {mean:F3}, standard deviation {std:F3}");
                Assert.InRange(Math.Abs(mean), 0, 0.3);
                Assert.InRange(std, 0.5, 1.2);
            }
        }

        [Fact]
        public void Sample_FromPrior_MatchesTheDataMeansAndSpreadAndIsSeeded()
        {
            var (train, _) = Split();
            using var model = Fit(new MLContext(1), VariationalOptions(), train);
            const int count = 1000;
            var samples = model.Sample(count, seed: 3);

            var data = SyntheticData.Flatten(train);
            double Mean(float[] values, int rows, int j) => Enumerable.Range(0, rows).Average(i => values[i * Size + j]);
            double Std(float[] values, int rows, int j)
            {
                double mean = Mean(values, rows, j);
                return Math.Sqrt(Enumerable.Range(0, rows).Average(i => (values[i * Size + j] - mean) * (values[i * Size + j] - mean)));
            }
            double largestMeanGap = Enumerable.Range(0, Size).Max(j => Math.Abs(Mean(samples, count, j) - Mean(data, train.Length, j)));
            double spreadRatio = Enumerable.Range(0, Size).Average(j => Std(samples, count, j)) / Enumerable.Range(0, Size).Average(j => Std(data, train.Length, j));
            _output.WriteLine($"largest gap between feature means {largestMeanGap:F3}; spread ratio {spreadRatio:F3}");

            Assert.Equal(count * Size, samples.Length);
            Assert.All(samples, v => Assert.InRange(v, 0f, 1f));
            // Measured: 0.047 and 0.74. Decoded samples are distribution means, so they vary less than the data.
            Assert.True(largestMeanGap < 0.1, $"largest gap {largestMeanGap}");
            Assert.InRange(spreadRatio, 0.5, 1.1);
            Assert.Equal(samples, model.Sample(count, seed: 3));
            Assert.NotEqual(samples, model.Sample(count, seed: 4));
        }

        [Fact]
        public void Fit_KullbackLeiblerWarmup_WeightRisesLinearlyAndEarlyStoppingWaits()
        {
            var (train, _) = Split();
            var options = VariationalOptions(epochs: 8);
            options.Patience = 1;
            options.ConvergenceTolerance = 0.5;
            options.Variational!.Beta = 2;
            options.Variational.KullbackLeiblerWarmupEpochs = 4;
            using var model = Fit(new MLContext(1), options, train);

            var history = model.TrainingHistory;
            _output.WriteLine(string.Join("\n", history));
            // The weight is 0, 1/4, 2/4, 3/4 of beta in epochs 1-4, then beta: the regularization follows.
            for (int i = 0; i < history.Count; i++)
            {
                double weight = 2.0 * Math.Min(1.0, i / 4.0);
                Assert.Equal(weight * history[i].KullbackLeiblerDivergence!.Value / Size, history[i].RegularizationLoss!.Value, 1e-6);
            }
            // With patience 1 and a 50% tolerance, training stops as soon as it is allowed to: the epoch after
            // the warm-up, whose loss is the first one compared.
            Assert.Equal(6, history.Count);
        }

        [Fact]
        public void Transform_LogVarianceColumn_HasLatentSizeAndMatchesSchemaPromise()
        {
            var ml = new MLContext(1);
            var (train, test) = Split();
            var options = VariationalOptions();
            options.LogVarianceColumnName = "LogVariance";
            var data = SyntheticData.ToDataView(ml, train, Size);
            var estimator = ml.Transforms.Autoencoder(options);
            using var model = estimator.Fit(data);

            var promised = estimator.GetOutputSchema(MLNetInternals.CreateShape(data.Schema));
            var output = model.Transform(SyntheticData.ToDataView(ml, test, Size));
            var promisedColumn = Assert.Single(promised, c => c.Name == "LogVariance");
            Assert.Equal(SchemaShape.Column.VectorKind.Vector, promisedColumn.Kind);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), output.Schema["LogVariance"].Type);
            Assert.Equal("LogVariance", model.LogVarianceColumnName);

            var logVariances = output.GetColumn<float[]>("LogVariance").SelectMany(v => v).ToArray();
            var latent = output.GetColumn<float[]>("Latent").SelectMany(v => v).ToArray();
            Assert.Equal(model.Encode(SyntheticData.Flatten(test)), latent);
            Assert.All(logVariances, v => Assert.True(float.IsFinite(v)));
            // The posteriors are narrower than the prior: a row's code is known more precisely than N(0, 1).
            double meanVariance = logVariances.Average(v => Math.Exp(v));
            _output.WriteLine($"mean posterior variance {meanVariance:F3}");
            Assert.True(meanVariance < 0.5, $"mean posterior variance {meanVariance}");
        }
    }
}
