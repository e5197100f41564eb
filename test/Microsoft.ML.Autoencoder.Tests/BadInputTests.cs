using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests
{
    /// <summary>Every kind of bad input is refused with an error naming the column, row or option.</summary>
    public class BadInputTests
    {
        private sealed class ScalarRow
        {
            public float Features { get; set; }
        }

        private sealed class VariableRow
        {
            public float[] Features { get; set; } = Array.Empty<float>();
        }

        private static AutoencoderEstimator.Options Options(int latent = 3) => new AutoencoderEstimator.Options
        {
            LatentDimension = latent,
            MaximumNumberOfEpochs = 2,
            BatchSize = 16,
            Seed = 1,
        };

        [Fact]
        public void Fit_MissingColumn_ThrowsNamingColumn()
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            options.InputColumnName = "Pixels";
            var data = SyntheticData.LowRank(ml, rows: 20);
            var estimator = ml.Transforms.Autoencoder(options);

            var fit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
            Assert.Contains("'Pixels'", fit.Message);
            var schema = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Microsoft.ML.Autoencoder.Interop.MLNetInternals.CreateShape(data.Schema)));
            Assert.Contains("'Pixels'", schema.Message);
        }

        [Fact]
        public void Fit_ScalarColumn_ThrowsNamingColumnAndType()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1 } });
            var estimator = ml.Transforms.Autoencoder(Options());

            var fit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
            Assert.Contains("'Features'", fit.Message);
            Assert.Contains("Single", fit.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Microsoft.ML.Autoencoder.Interop.MLNetInternals.CreateShape(data.Schema)));
        }

        [Fact]
        public void Fit_VariableSizeVector_ThrowsSayingVariableSize()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = new float[] { 1, 2, 3, 4 } } });
            var estimator = ml.Transforms.Autoencoder(Options(latent: 2));

            var fit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
            Assert.Contains("variable-size", fit.Message);
            var schema = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Microsoft.ML.Autoencoder.Interop.MLNetInternals.CreateShape(data.Schema)));
            Assert.Contains("variable-size", schema.Message);
        }

        [Theory]
        [InlineData(float.NaN, "NaN")]
        [InlineData(float.PositiveInfinity, "infinite")]
        public void Fit_NonFiniteValue_ThrowsNamingRow(float value, string word)
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticData.LowRankRows(30, 20, 3, seed: 1);
            rows[17][5] = value;
            var estimator = ml.Transforms.Autoencoder(Options());

            var error = Assert.Throws<InvalidOperationException>(() => estimator.Fit(SyntheticData.ToDataView(ml, rows, 20)));
            Assert.Contains("Row 17", error.Message);
            Assert.Contains("index 5", error.Message);
            Assert.Contains(word, error.Message);
        }

        [Fact]
        public void Fit_EmptyData_Throws()
        {
            var ml = new MLContext(seed: 1);
            var estimator = ml.Transforms.Autoencoder(Options());

            var error = Assert.Throws<InvalidOperationException>(() => estimator.Fit(SyntheticData.ToDataView(ml, Array.Empty<float[]>(), 20)));
            Assert.Contains("no rows", error.Message);
        }

        [Fact]
        public void Fit_LatentNotSmallerThanInput_ThrowsNamingOption()
        {
            var ml = new MLContext(seed: 1);
            var estimator = ml.Transforms.Autoencoder(Options(latent: 20));

            var error = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(SyntheticData.LowRank(ml, rows: 20)));
            Assert.Equal(nameof(AutoencoderEstimator.Options.LatentDimension), error.ParamName);
            Assert.Contains("(20)", error.Message);
        }

        [Fact]
        public void Fit_BinaryCrossEntropyOnDataOutsideUnitInterval_ThrowsNamingRow()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticData.LowRankRows(30, 20, 3, seed: 1);
            rows[4][2] = 1.5f;
            var options = Options();
            options.Loss = ReconstructionLoss.BinaryCrossEntropy;
            var estimator = ml.Transforms.Autoencoder(options);

            var error = Assert.Throws<InvalidOperationException>(() => estimator.Fit(SyntheticData.ToDataView(ml, rows, 20)));
            Assert.Contains("Row 4", error.Message);
            Assert.Contains("[0, 1]", error.Message);
        }

        [Fact]
        public void Fit_DivergingLearningRate_ThrowsSuggestingLowerRate()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticData.LowRankRows(64, 20, 3, seed: 1).Select(r => r.Select(v => v * 1000).ToArray()).ToArray();
            var options = Options();
            options.OutputActivation = OutputActivation.Identity;
            options.Optimizer = OptimizerKind.Sgd;
            options.Momentum = 0;
            options.LearningRate = 10f;
            options.MaximumNumberOfEpochs = 20;
            var estimator = ml.Transforms.Autoencoder(options);

            var error = Assert.Throws<InvalidOperationException>(() => estimator.Fit(SyntheticData.ToDataView(ml, rows, 20)));
            Assert.Contains("diverged", error.Message);
            Assert.Contains("Lower the learning rate", error.Message);
        }

        public static TheoryData<Action<AutoencoderEstimator.Options>, string> BadOptions => new TheoryData<Action<AutoencoderEstimator.Options>, string>
        {
            { o => o.LatentDimension = 0, nameof(AutoencoderEstimator.Options.LatentDimension) },
            { o => o.LatentDimension = -4, nameof(AutoencoderEstimator.Options.LatentDimension) },
            { o => o.MaximumNumberOfEpochs = 0, nameof(AutoencoderEstimator.Options.MaximumNumberOfEpochs) },
            { o => o.BatchSize = 0, nameof(AutoencoderEstimator.Options.BatchSize) },
            { o => o.LearningRate = 0, nameof(AutoencoderEstimator.Options.LearningRate) },
            { o => o.LearningRate = -1e-3f, nameof(AutoencoderEstimator.Options.LearningRate) },
            { o => o.LearningRate = float.NaN, nameof(AutoencoderEstimator.Options.LearningRate) },
            { o => o.Patience = 0, nameof(AutoencoderEstimator.Options.Patience) },
            { o => o.ValidationFraction = 1, nameof(AutoencoderEstimator.Options.ValidationFraction) },
            { o => o.WeightDecay = -1, nameof(AutoencoderEstimator.Options.WeightDecay) },
            { o => o.NumberOfThreads = 0, nameof(AutoencoderEstimator.Options.NumberOfThreads) },
            { o => o.Architecture = new DenseArchitecture { HiddenSizes = new[] { 8, 0 } }, nameof(DenseArchitecture.HiddenSizes) },
            { o => o.Architecture = new DenseArchitecture { Dropout = 1 }, nameof(DenseArchitecture.Dropout) },
            { o => { o.LatentColumnName = null; }, nameof(AutoencoderEstimator.Options.LatentColumnName) },
            { o => { o.ReconstructionColumnName = "Latent"; }, nameof(AutoencoderEstimator.Options.ReconstructionColumnName) },
            { o => { o.Loss = ReconstructionLoss.BinaryCrossEntropy; o.OutputActivation = OutputActivation.Identity; }, nameof(AutoencoderEstimator.Options.OutputActivation) },
            { o => o.Nesterov = true, nameof(AutoencoderEstimator.Options.Nesterov) },
        };

        [Theory]
        [MemberData(nameof(BadOptions))]
        public void Create_BadOption_ThrowsNamingOption(Action<AutoencoderEstimator.Options> spoil, string optionName)
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            spoil(options);

            var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Autoencoder(options));
            Assert.Equal(optionName, error.ParamName);
        }

        [Fact]
        public void Transform_InputOfOtherSize_ThrowsNamingColumnAndSizes()
        {
            var ml = new MLContext(seed: 1);
            using var model = ml.Transforms.Autoencoder(Options()).Fit(SyntheticData.LowRank(ml, rows: 40));
            var other = SyntheticData.LowRank(ml, rows: 5, size: 12);

            var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(other));
            Assert.Contains("'Features' has 12 values", error.Message);
            Assert.Contains("20", error.Message);
        }

        [Fact]
        public void Encode_ArrayNotMultipleOfRowSize_Throws()
        {
            var ml = new MLContext(seed: 1);
            using var model = ml.Transforms.Autoencoder(Options()).Fit(SyntheticData.LowRank(ml, rows: 40));

            Assert.Throws<ArgumentException>(() => model.Encode(new float[21]));
            Assert.Throws<ArgumentException>(() => model.Decode(new float[4]));
        }

        [Fact]
        public void Encode_AfterDispose_ThrowsObjectDisposed()
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Transforms.Autoencoder(Options()).Fit(SyntheticData.LowRank(ml, rows: 40));
            model.Dispose();
            model.Dispose();

            Assert.Throws<ObjectDisposedException>(() => model.Encode(new float[20]));
        }

        [Fact]
        public void Options_ReconstructionAndErrorColumnsOfOneName_ThrowsNamingTheClashingOptions()
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            options.ReconstructionColumnName = "Out";
            options.ReconstructionErrorColumnName = "Out";

            var exception = Assert.Throws<ArgumentException>(() => ml.Transforms.Autoencoder(options));

            Assert.Equal(nameof(AutoencoderEstimator.Options.ReconstructionErrorColumnName), exception.ParamName);
            Assert.Contains(nameof(AutoencoderEstimator.Options.ReconstructionColumnName), exception.Message);
            Assert.Contains("'Out'", exception.Message);
        }

        [Fact]
        public void GetDependencies_Null_ThrowsArgumentNull()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.LowRank(ml, rows: 40);
            using var model = ml.Transforms.Autoencoder(Options()).Fit(data);
            var mapper = model.GetRowToRowMapper(data.Schema);

            Assert.Equal("dependingColumns", Assert.Throws<ArgumentNullException>(() => mapper.GetDependencies(null!)).ParamName);
            model.Dispose(); // the mapper's hold
        }

        [Theory]
        [InlineData(int.MaxValue)]
        [InlineData(1 << 27)]
        public void Interpolate_MoreStepsThanFitInAnArray_ThrowsNamingSteps(int steps)
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticData.LowRankRows(40, 20, 3, seed: 7);
            using var model = ml.Transforms.Autoencoder(Options()).Fit(SyntheticData.ToDataView(ml, rows, 20));

            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => model.Interpolate(rows[0], rows[1], steps));

            Assert.Equal("steps", exception.ParamName);
        }
    }
}
