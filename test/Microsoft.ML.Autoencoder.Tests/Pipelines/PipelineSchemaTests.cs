using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>
    /// Whole pipelines around the autoencoder: the schema promised before training is the one produced after,
    /// the trained chain maps single rows, and <c>Preview</c> and <c>CreateEnumerable</c> read its output.
    /// </summary>
    public class PipelineSchemaTests
    {
        private const int LatentSize = 3;

        private sealed class Scored
        {
            [VectorType(LatentSize)]
            public float[] Latent { get; set; } = Array.Empty<float>();

            public float Error { get; set; }

            /// <summary>The label after MapValueToKey: values 0, 1, 2, 3 appear in that order, so their keys are 1 to 4.</summary>
            [ColumnName("Label")]
            public uint LabelKey { get; set; }

            public uint PredictedClass { get; set; }

            [VectorType(ClassificationData.ClassCount)]
            public float[] Score { get; set; } = Array.Empty<float>();
        }

        private static AutoencoderEstimator.Options Options(string? latent, string? reconstruction, string? error) => new AutoencoderEstimator.Options
        {
            InputColumnName = "Features",
            LatentColumnName = latent,
            ReconstructionColumnName = reconstruction,
            ReconstructionErrorColumnName = error,
            LatentDimension = LatentSize,
            Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 } },
            MaximumNumberOfEpochs = 3,
            BatchSize = 32,
            LearningRate = 1e-2f,
            Seed = 1,
        };

        /// <summary>
        /// Label to key, concatenation, normalization, the autoencoder, then whatever it output concatenated,
        /// normalized and fed to a classifier whose predicted key is mapped back to a value.
        /// </summary>
        private static IEstimator<ITransformer> Pipeline(MLContext ml, AutoencoderEstimator.Options options)
        {
            var outputs = new[] { options.LatentColumnName, options.ReconstructionColumnName, options.ReconstructionErrorColumnName }.OfType<string>().ToArray();
            return ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.Concatenate("Features", nameof(ClassificationData.Row.A), nameof(ClassificationData.Row.B)))
                .Append(ml.Transforms.NormalizeMinMax("Features"))
                .Append(ml.Transforms.Autoencoder(options))
                .Append(ml.Transforms.Concatenate("Combined", outputs))
                .Append(ml.Transforms.NormalizeMinMax("Combined"))
                .AppendCacheCheckpoint(ml)
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: "Label", featureColumnName: "Combined", maximumNumberOfIterations: 5))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
        }

        public static TheoryData<string?, string?, string?> OutputCombinations => new TheoryData<string?, string?, string?>
        {
            { "Latent", null, null },
            { null, "Reconstruction", null },
            { null, null, "Error" },
            { "Latent", "Reconstruction", null },
            { "Latent", null, "Error" },
            { null, "Reconstruction", "Error" },
            { "Latent", "Reconstruction", "Error" },
            { "Features", null, "Error" }, // The latent code replaces the (normalized) input column.
        };

        [Theory]
        [MemberData(nameof(OutputCombinations))]
        public void GetOutputSchema_WholePipelineEveryOutputCombination_MatchesFitTransformSchema(string? latent, string? reconstruction, string? error)
        {
            var ml = new MLContext(seed: 1);
            var data = ClassificationData.Load(ml, 120, seed: 1);
            var pipeline = Pipeline(ml, Options(latent, reconstruction, error));

            var promised = pipeline.GetOutputSchema(MLNetInternals.CreateShape(data.Schema));
            var model = pipeline.Fit(data);
            var produced = model.Transform(data).Schema;

            SchemaAssert.PromiseKept(promised, produced);
            SchemaAssert.Same(produced, model.GetOutputSchema(data.Schema));
            SchemaAssert.Same(produced, model.GetRowToRowMapper(data.Schema).OutputSchema);
            var loaded = ModelRoundTrip.SaveAndLoad(ml, model, data.Schema);
            try
            {
                SchemaAssert.Same(produced, loaded.GetOutputSchema(data.Schema));
                SchemaAssert.Same(produced, loaded.Transform(data).Schema);
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
            if (latent is not null)
                Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, LatentSize), produced[latent].Type);
            if (reconstruction is not null)
                Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, ClassificationData.FeatureCount), produced[reconstruction].Type);
            if (error is not null)
                Assert.Equal(NumberDataViewType.Single, produced[error].Type);
            int combined = (latent is null ? 0 : LatentSize) + (reconstruction is null ? 0 : ClassificationData.FeatureCount) + (error is null ? 0 : 1);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, combined), produced["Combined"].Type);
        }

        [Fact]
        public void GetOutputSchema_PipelineMissingInputColumn_ThrowsNamingColumnBeforeTraining()
        {
            var ml = new MLContext(seed: 1);
            var data = ClassificationData.Load(ml, 20, seed: 1);
            var options = Options("Latent", null, null);
            options.InputColumnName = "Pixels";
            var pipeline = ml.Transforms.Concatenate("Features", "A", "B").Append(ml.Transforms.Autoencoder(options));

            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.GetOutputSchema(MLNetInternals.CreateShape(data.Schema)));

            Assert.Contains("'Pixels'", exception.Message);
        }

        [Fact]
        public void IsRowToRowMapper_TrainedPipeline_TrueAndRowMapperGivesTransformOutputs()
        {
            var ml = new MLContext(seed: 1);
            var data = ClassificationData.Load(ml, 150, seed: 1);
            var model = Pipeline(ml, Options("Latent", null, "Error")).Fit(data);
            var autoencoder = ((IEnumerable<ITransformer>)model).OfType<AutoencoderTransformer>().Single();
            var expected = ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).ToList();

            Assert.True(autoencoder.IsRowToRowMapper);
            Assert.True(model.IsRowToRowMapper);
            var mapper = model.GetRowToRowMapper(data.Schema);
            var output = mapper.OutputSchema;
            var actual = new List<(float[] Latent, float Error, uint Predicted)>();
            using (var cursor = data.GetRowCursor(data.Schema))
            {
                using var row = mapper.GetRow(cursor, new[] { output["Latent"], output["Error"], output["PredictedClass"] });
                var latentGetter = row.GetGetter<VBuffer<float>>(output["Latent"]);
                var errorGetter = row.GetGetter<float>(output["Error"]);
                var predictedGetter = row.GetGetter<uint>(output["PredictedClass"]);
                VBuffer<float> latent = default;
                float rowError = 0;
                uint predicted = 0;
                while (cursor.MoveNext())
                {
                    latentGetter(ref latent);
                    errorGetter(ref rowError);
                    predictedGetter(ref predicted);
                    actual.Add((latent.DenseValues().ToArray(), rowError, predicted));
                }
            }

            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                // One row at a time against batches of many: equal up to float rounding.
                for (int j = 0; j < LatentSize; j++)
                    Assert.Equal(expected[i].Latent[j], actual[i].Latent[j], 1e-5f);
                Assert.Equal(expected[i].Error, actual[i].Error, 1e-6f);
                Assert.Equal(expected[i].PredictedClass, actual[i].Predicted);
            }
        }

        [Fact]
        public void PreviewAndCreateEnumerable_WholePipeline_ShowTheSameRows()
        {
            var ml = new MLContext(seed: 1);
            var data = ClassificationData.Load(ml, 150, seed: 1);
            var scored = Pipeline(ml, Options("Latent", null, "Error")).Fit(data).Transform(data);

            var preview = scored.Preview(maxRows: 7);
            var rows = ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false).Take(7).ToList();

            Assert.Equal(7, preview.RowView.Length);
            foreach (var name in new[] { "Latent", "Error", "Combined", "Score", "PredictedLabel", "PredictedClass" })
                Assert.Contains(preview.ColumnView, c => c.Column.Name == name);
            for (int i = 0; i < 7; i++)
            {
                // Preview lists hidden columns too (the raw Label before MapValueToKey): the visible one is last.
                var values = preview.RowView[i].Values.GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.Last().Value);
                Assert.Equal(rows[i].Latent, ((VBuffer<float>)values["Latent"]).DenseValues().ToArray());
                Assert.Equal(rows[i].Error, (float)values["Error"]);
                Assert.Equal(rows[i].PredictedClass, (uint)values["PredictedClass"]);
                Assert.Equal((uint)(i % ClassificationData.ClassCount + 1), rows[i].LabelKey);
                Assert.True(rows[i].Error > 0);
                Assert.Equal(1f, rows[i].Score.Sum(), 1e-4f);
            }
            Assert.True(rows.Select(r => r.Latent[0]).Distinct().Count() > 1, "rows should have different codes: " + string.Join("; ", rows.Select(r => string.Join(",", r.Latent) + " e=" + r.Error)));
        }
    }
}
