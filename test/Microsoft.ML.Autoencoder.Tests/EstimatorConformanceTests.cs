using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests
{
    /// <summary>
    /// In the spirit of ML.NET's <c>TestEstimatorCore</c>: for several configurations, the promised schema is the
    /// produced one, invalid input throws the documented exception everywhere, and save -> load gives the same values.
    /// </summary>
    public class EstimatorConformanceTests
    {
        private sealed class WrongRow
        {
            public float Pixels { get; set; }

            public float Label { get; set; }
        }

        public static TheoryData<string, Func<MLContext, IEstimator<ITransformer>>> Estimators => new TheoryData<string, Func<MLContext, IEstimator<ITransformer>>>
        {
            { "all outputs", ml => ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
                {
                    LatentDimension = 4, ReconstructionColumnName = "Reconstruction", ReconstructionErrorColumnName = "Error",
                    Architecture = new DenseArchitecture { HiddenSizes = new[] { 12 }, BatchNormalization = true }, MaximumNumberOfEpochs = 3, Seed = 3,
                }) },
            { "error only, BCE", ml => ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
                {
                    LatentDimension = 2, LatentColumnName = null, ReconstructionErrorColumnName = "Score", Loss = ReconstructionLoss.BinaryCrossEntropy,
                    MaximumNumberOfEpochs = 2, Seed = 4,
                }) },
            { "pipeline, catalog overload", ml => ml.Transforms.NormalizeMinMax("Features")
                .Append(ml.Transforms.Autoencoder("Code", "Features", latentDimension: 5, maximumNumberOfEpochs: 2, seed: 5))
                .Append(ml.Transforms.Concatenate("All", "Code", "Label")) },
        };

        [Theory]
        [MemberData(nameof(Estimators))]
        public void Estimator_Conformance_SchemaInvalidInputAndSaveLoad(string name, Func<MLContext, IEstimator<ITransformer>> create)
        {
            var ml = new MLContext(seed: 1);
            var estimator = create(ml);
            var data = SyntheticData.LowRank(ml, rows: 120);
            var invalid = ml.Data.LoadFromEnumerable(new[] { new WrongRow { Pixels = 1, Label = 0 } });

            // Promised schema == produced schema.
            var promised = estimator.GetOutputSchema(Microsoft.ML.Autoencoder.Interop.MLNetInternals.CreateShape(data.Schema));
            var model = estimator.Fit(data);
            var output = model.Transform(data);
            var produced = Microsoft.ML.Autoencoder.Interop.MLNetInternals.CreateShape(output.Schema);
            Assert.Equal(promised.Select(c => c.Name).OrderBy(n => n), produced.Select(c => c.Name).OrderBy(n => n));
            foreach (var column in promised)
            {
                var actual = produced.Single(c => c.Name == column.Name);
                Assert.True((column.Kind, column.ItemType, column.IsKey) == (actual.Kind, actual.ItemType, actual.IsKey),
                    $"{name}: column {column.Name} promised {column.Kind} of {column.ItemType}, produced {actual.Kind} of {actual.ItemType}");
            }
            Assert.Equal(model.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)), output.Schema.Select(c => (c.Name, c.Type)));
            Assert.Equal(data.GetRowCount(), output.GetRowCount());

            // Input without the feature column throws the documented exception at every entry point (the type
            // checks are covered in BadInputTests; ML.NET's normalizer upstream accepts a scalar silently).
            Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Microsoft.ML.Autoencoder.Interop.MLNetInternals.CreateShape(invalid.Schema)));
            Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(invalid));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.GetOutputSchema(invalid.Schema));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(invalid));

            // Save -> load gives the same values in every column.
            using var stream = new MemoryStream();
            ml.Model.Save(model, data.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out var loadedSchema);
            Assert.Equal(data.Schema.Select(c => c.Name), loadedSchema.Select(c => c.Name));
            Assert.Equal(Dump(output), Dump(loaded.Transform(data)));
        }

        /// <summary>Every float value of every visible column, in row order, as text (exact round-trip format).</summary>
        private static List<string> Dump(IDataView data)
        {
            var columns = data.Schema.Where(c => !c.IsHidden).ToArray();
            var values = new List<string>();
            using var cursor = data.GetRowCursor(columns);
            var getters = columns.Select(c => c.Type is VectorDataViewType
                ? (Func<string>)(() => { VBuffer<float> v = default; cursor.GetGetter<VBuffer<float>>(c)(ref v); return string.Join(",", v.DenseValues().Select(x => x.ToString("R"))); })
                : () => { float v = 0; cursor.GetGetter<float>(c)(ref v); return v.ToString("R"); }).ToArray();
            while (cursor.MoveNext())
                values.AddRange(getters.Select(g => g()));
            return values;
        }
    }
}
