using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Pipelines;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Onnx
{
    /// <summary>
    /// <c>mlContext.Model.ConvertToOnnx</c> of whole pipelines that contain the autoencoder, run in ONNX Runtime and
    /// through ML.NET's <c>ApplyOnnxModel</c>, against the ML.NET model's own columns within 1e-5 relative to the
    /// values' size (<see cref="NumericAssert.Close"/>); predicted labels exactly.
    /// </summary>
    public class PipelineOnnxExportTests
    {
        private static readonly string[] s_comparedColumns = { "Features", "Latent", "Reconstruction", "Error", "Score" };

        /// <summary>Label to key, concatenate, NormalizeMinMax, autoencoder, SdcaMaximumEntropy on the codes.</summary>
        private static (MLContext Ml, ITransformer Model, IDataView Train, List<ClassificationData.Row> Test) Fit(AutoencoderArchitecture architecture, bool variational = false)
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(ClassificationData.Rows(120, seed: 1));
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.Concatenate("Features", nameof(ClassificationData.Row.A), nameof(ClassificationData.Row.B)))
                .Append(ml.Transforms.NormalizeMinMax("Features"))
                .Append(ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
                {
                    LatentDimension = 4,
                    ReconstructionColumnName = "Reconstruction",
                    ReconstructionErrorColumnName = "Error",
                    LogVarianceColumnName = variational ? "LogVariance" : null,
                    Variational = variational ? new VariationalOptions() : null,
                    Architecture = architecture,
                    MaximumNumberOfEpochs = 3,
                    BatchSize = 32,
                    LearningRate = 1e-2f,
                    Seed = 1,
                }))
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: "Label", featureColumnName: "Latent", maximumNumberOfIterations: 5));
            return (ml, pipeline.Fit(train), train, ClassificationData.Rows(12, seed: 2));
        }

        private static byte[] Convert(MLContext ml, ITransformer model, IDataView data, int? opSetVersion = null)
        {
            using var stream = new MemoryStream();
            if (opSetVersion is int version)
                ml.Model.ConvertToOnnx(model, data, version, stream);
            else
                ml.Model.ConvertToOnnx(model, data, stream);
            return stream.ToArray();
        }

        /// <summary>A float column's values, row after row.</summary>
        private static float[] Column(IDataView view, string name)
        {
            var column = view.Schema[name];
            if (column.Type is VectorDataViewType)
                return view.GetColumn<float[]>(column).SelectMany(row => row).ToArray();
            return view.GetColumn<float>(column).ToArray();
        }

        [Theory]
        [InlineData("dense", null)]
        [InlineData("dense-variational", null)]
        [InlineData("recurrent", null)]
        [InlineData("recurrent", 9)] // the lowest opset ML.NET writes (the default is 12)
        public void ConvertToOnnx_NormalizeAutoencoderSdca_OnnxRuntimeMatchesMLNet(string configuration, int? opSetVersion)
        {
            AutoencoderArchitecture architecture = configuration == "recurrent"
                ? new RecurrentArchitecture { Timesteps = 5, FeaturesPerStep = 4, HiddenSize = 6, Cell = RecurrentCell.Gru }
                : new DenseArchitecture { HiddenSizes = new[] { 10 }, BatchNormalization = true };
            var (ml, model, train, test) = Fit(architecture, variational: configuration.EndsWith("variational"));
            var bytes = Convert(ml, model, train, opSetVersion);
            var expected = model.Transform(ml.Data.LoadFromEnumerable(test));

            var outputs = OnnxRuntimeRunner.RunTyped(bytes,
                ("A", test.SelectMany(row => row.A).ToArray(), new long[] { test.Count, ClassificationData.SizeA }),
                ("B", test.SelectMany(row => row.B).ToArray(), new long[] { test.Count, ClassificationData.SizeB }),
                ("Label", test.Select(row => row.Label).ToArray(), new long[] { test.Count, 1 }));

            foreach (var name in configuration.EndsWith("variational") ? s_comparedColumns.Append("LogVariance") : s_comparedColumns)
                NumericAssert.Close(Column(expected, name), (float[])outputs[name + ".output"].Values);
            Assert.Equal(expected.GetColumn<uint>("PredictedLabel").ToArray(), (uint[])outputs["PredictedLabel.output"].Values);
        }

        [Fact]
        public void ApplyOnnxModel_ConvertedPipeline_MatchesTheMLNetModel()
        {
            var (ml, model, train, test) = Fit(new ConvolutionalArchitecture { Channels = 1, Height = 4, Width = 5, FilterCounts = new[] { 3 }, BatchNormalization = true });
            var path = Path.Combine(Path.GetTempPath(), $"autoencoder-pipeline-{Guid.NewGuid():N}.onnx");
            File.WriteAllBytes(path, Convert(ml, model, train));
            try
            {
                var testData = ml.Data.LoadFromEnumerable(test);
                var expected = model.Transform(testData);
                using var onnx = ml.Transforms.ApplyOnnxModel(path).Fit(testData);

                var actual = onnx.Transform(testData);

                // ApplyOnnxModel names each column after the ONNX output without ConvertToOnnx's ".output" suffix,
                // replacing the input columns of the same name.
                foreach (var name in s_comparedColumns)
                    NumericAssert.Close(Column(expected, name), Column(actual, name));
                Assert.Equal(expected.GetColumn<uint>("PredictedLabel").ToArray(),
                    actual.GetColumn<uint[]>("PredictedLabel").SelectMany(label => label).ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void ConvertToOnnx_TwoAutoencodersInOnePipeline_EachKeepsItsOwnWeights()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.LowRank(ml, rows: 64, size: 12);
            var options = new AutoencoderEstimator.Options
            {
                LatentDimension = 6,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
                MaximumNumberOfEpochs = 1,
                Seed = 1,
            };
            var second = new AutoencoderEstimator.Options
            {
                InputColumnName = "Latent",
                LatentColumnName = "Code",
                LatentDimension = 2,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 4 } },
                MaximumNumberOfEpochs = 1,
                Seed = 2,
            };
            var model = ml.Transforms.Autoencoder(options).Append(ml.Transforms.Autoencoder(second)).Fit(data);
            var rows = SyntheticData.LowRankRows(5, 12, 3, seed: 3);
            var expected = model.Transform(SyntheticData.ToDataView(ml, rows, 12));

            var outputs = OnnxRuntimeRunner.RunTyped(Convert(ml, model, data),
                ("Features", SyntheticData.Flatten(rows), new long[] { 5, 12 }),
                ("Label", new float[5], new long[] { 5, 1 }));

            NumericAssert.Close(Column(expected, "Latent"), (float[])outputs["Latent.output"].Values);
            NumericAssert.Close(Column(expected, "Code"), (float[])outputs["Code.output"].Values);
        }

        [SkippableFact]
        public void ConvertToOnnx_NormalizeAutoencoderSdca_PassesOnnxChecker()
        {
            Skip.IfNot(OnnxChecker.IsAvailable, "python3 cannot import onnx: install Debian's python3-onnx to run ONNX's checker.");
            var (ml, model, train, _) = Fit(new RecurrentArchitecture { Timesteps = 5, FeaturesPerStep = 4, HiddenSize = 6 });

            OnnxChecker.AssertValid(new Dictionary<string, byte[]> { ["pipeline"] = Convert(ml, model, train) });
        }

        private sealed class Unshifted
        {
            [VectorType(12)]
            public float[] Features { get; set; } = Array.Empty<float>();
        }

        private sealed class Shifted
        {
            [VectorType(12)]
            public float[] Moved { get; set; } = Array.Empty<float>();
        }

        [Fact]
        public void ConvertToOnnx_InputMadeByAStepThatCannotExport_ThrowsNamingTheColumn()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.LowRank(ml, rows: 32, size: 12);
            var model = ml.Transforms.CustomMapping<Unshifted, Shifted>((input, output) => output.Moved = input.Features.Select(v => v * 0.5f).ToArray(), contractName: null)
                .Append(ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
                {
                    InputColumnName = "Moved",
                    LatentDimension = 2,
                    Architecture = new DenseArchitecture { HiddenSizes = new[] { 4 } },
                    MaximumNumberOfEpochs = 1,
                    Seed = 1,
                }))
                .Fit(data);

            var error = Assert.Throws<InvalidOperationException>(() => Convert(ml, model, data));

            Assert.Contains("'Moved'", error.Message);
            Assert.Contains("cannot be exported to ONNX", error.Message);
        }
    }
}
