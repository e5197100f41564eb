using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Data
{
    /// <summary>
    /// Scoring checks its input as strictly as training does: a row of another length than its column's type, or
    /// (by default) a NaN or infinite value, is an error naming the column and the row, through every entry point.
    /// </summary>
    public class ScoringInputTests
    {
        private const int Size = 20;

        private sealed class Row
        {
            [VectorType(Size)]
            public float[] Features { get; set; } = Array.Empty<float>();
        }

        private sealed class Code
        {
            [VectorType(3)]
            public float[] Latent { get; set; } = Array.Empty<float>();

            public float Error { get; set; }
        }

        private static readonly Lazy<float[][]> s_rows = new(() => SyntheticData.LowRankRows(60, Size, 3, seed: 3));

        private static AutoencoderTransformer Train(MLContext ml, NonFiniteInputHandling nonFinite = NonFiniteInputHandling.Throw)
            => ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
            {
                LatentDimension = 3,
                ReconstructionErrorColumnName = "Error",
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
                MaximumNumberOfEpochs = 1,
                NonFiniteInput = nonFinite,
                Seed = 1,
            }).Fit(SyntheticData.ToDataView(ml, s_rows.Value, Size));

        private static float[] WithLength(float[] row, int length) => Enumerable.Range(0, length).Select(i => i < row.Length ? row[i] : 0.5f).ToArray();

        [Theory]
        [InlineData(Size - 1)]
        [InlineData(Size + 1)]
        public void Predict_RowOfAnotherLength_ThrowsNamingColumnRowAndSizes(int length)
        {
            var ml = new MLContext(seed: 1);
            using var model = Train(ml);
            using var engine = ml.Model.CreatePredictionEngine<Row, Code>(model, new PredictionEngineOptions { OwnsTransformer = false });
            engine.Predict(new Row { Features = s_rows.Value[0] }); // a full row first: its values must not fill the short one

            var exception = Assert.Throws<InvalidOperationException>(() => engine.Predict(new Row { Features = WithLength(s_rows.Value[1], length) }));

            Assert.Contains("'Features'", exception.Message);
            Assert.Contains($"has {length} values; {Size} were expected", exception.Message);
        }

        [Fact]
        public void Transform_ShortRowInLaterBatch_ThrowsNamingTheRow()
        {
            var ml = new MLContext(seed: 1);
            using var model = Train(ml);
            var rows = Enumerable.Range(0, 1500).Select(i => s_rows.Value[i % s_rows.Value.Length]).ToArray();
            rows[1100] = WithLength(rows[1100], Size - 1);
            var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }));

            var exception = Assert.Throws<InvalidOperationException>(() => model.Transform(data).GetColumn<float[]>("Latent").ToArray());

            Assert.Contains("Row 1100 of column 'Features'", exception.Message);
            Assert.Contains($"has {Size - 1} values; {Size} were expected", exception.Message);
        }

        [Theory]
        [InlineData(float.NaN, "NaN")]
        [InlineData(float.PositiveInfinity, "infinite")]
        public void Transform_NonFiniteValue_ThrowsNamingRowAndIndexByDefault(float value, string kind)
        {
            var ml = new MLContext(seed: 1);
            using var model = Train(ml);
            var rows = s_rows.Value.Select(r => r.ToArray()).ToArray();
            rows[7][4] = value;
            var data = SyntheticData.ToDataView(ml, rows, Size);

            var exception = Assert.Throws<InvalidOperationException>(() => model.Transform(data).GetColumn<float>("Error").ToArray());

            Assert.Contains($"Row 7 of column 'Features'", exception.Message);
            Assert.Contains($"{kind} value at index 4", exception.Message);
            Assert.Contains(nameof(NonFiniteInputHandling.Propagate), exception.Message);
            using var engine = ml.Model.CreatePredictionEngine<Row, Code>(model, new PredictionEngineOptions { OwnsTransformer = false });
            Assert.Throws<InvalidOperationException>(() => engine.Predict(new Row { Features = rows[7] }));
            var array = Assert.Throws<ArgumentException>(() => model.Encode(rows[7]));
            Assert.Contains($"Row 0 has a {kind} value at index 4", array.Message);
            Assert.Throws<ArgumentException>(() => model.GetReconstructionErrors(rows));
        }

        [Fact]
        public void Transform_NonFiniteValueWithPropagate_GivesNaNForThatRowOnly()
        {
            var ml = new MLContext(seed: 1);
            using var model = Train(ml, NonFiniteInputHandling.Propagate);
            var rows = s_rows.Value.Select(r => r.ToArray()).ToArray();
            rows[7][4] = float.NaN;

            var errors = model.Transform(SyntheticData.ToDataView(ml, rows, Size)).GetColumn<float>("Error").ToArray();

            Assert.Equal(NonFiniteInputHandling.Propagate, model.NonFiniteInput);
            Assert.True(float.IsNaN(errors[7]));
            Assert.All(errors.Where((_, i) => i != 7), error => Assert.True(float.IsFinite(error)));
            Assert.True(float.IsNaN(model.GetReconstructionErrors(rows[7])[0]));
            using var loaded = Pipelines.ModelRoundTrip.SaveAndLoad(ml, model, SyntheticData.ToDataView(ml, rows, Size).Schema) as AutoencoderTransformer;
            Assert.Equal(NonFiniteInputHandling.Propagate, loaded!.NonFiniteInput);
            Assert.True(float.IsNaN(loaded.GetReconstructionErrors(rows[7])[0]));
        }

        [Fact]
        public void Fit_NonFiniteInputOutOfRange_ThrowsNamingOption()
        {
            var ml = new MLContext(seed: 1);
            var options = new AutoencoderEstimator.Options { NonFiniteInput = (NonFiniteInputHandling)7 };
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(options));
            Assert.Equal(nameof(AutoencoderEstimator.Options.NonFiniteInput), exception.ParamName);
        }
    }
}
