using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Onnx
{
    /// <summary>
    /// The transformer's own exports (encoder, decoder, everything it adds) run in ONNX Runtime and compared with the
    /// TorchSharp outputs within 1e-5, relative to the values' size (<see cref="NumericAssert.Close"/>).
    /// </summary>
    public class StandaloneOnnxExportTests
    {
        public static TheoryData<string> Configurations
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var configuration in OnnxTestModels.Configurations)
                    data.Add(configuration);
                return data;
            }
        }

        [Theory]
        [MemberData(nameof(Configurations))]
        public void SaveEncoderDecoderAndTransformerAsOnnx_Configuration_OnnxRuntimeMatchesTorchSharp(string configuration)
        {
            var (model, rows, count) = OnnxTestModels.Train(configuration);
            using var _ = model;
            long[] rowShape = { count, model.InputSize };
            long[] latentShape = { count, model.LatentDimension };

            var encoder = OnnxRuntimeRunner.Run(OnnxTestModels.Export(model.SaveEncoderAsOnnx), ("Features", rows, rowShape));
            var decoderInput = model.Encode(rows);
            var decoder = OnnxRuntimeRunner.Run(OnnxTestModels.Export(model.SaveDecoderAsOnnx), ("Latent", decoderInput, latentShape));
            var transformer = OnnxRuntimeRunner.Run(OnnxTestModels.Export(model.SaveAsOnnx), ("Features", rows, rowShape));

            Assert.Equal(latentShape, encoder["Latent"].Shape);
            NumericAssert.Close(model.Encode(rows), encoder["Latent"].Values);
            NumericAssert.Close(model.Decode(decoderInput), decoder["Reconstruction"].Values);
            Assert.Equal(rowShape, decoder["Reconstruction"].Shape);
            NumericAssert.Close(model.Encode(rows), transformer["Latent"].Values);
            NumericAssert.Close(model.Reconstruct(rows), transformer["Reconstruction"].Values);
            NumericAssert.Close(model.GetReconstructionErrors(rows), transformer["Error"].Values);
            Assert.Equal(new long[] { count, 1 }, transformer["Error"].Shape);
            if (model.IsVariational)
            {
                var (mean, logVariance) = model.EncodeDistribution(rows);
                NumericAssert.Close(mean, encoder["Latent"].Values);
                NumericAssert.Close(logVariance, encoder["LogVariance"].Values);
                NumericAssert.Close(logVariance, transformer["LogVariance"].Values);
            }
            else
            {
                Assert.Equal(new[] { "Latent" }, encoder.Keys.ToArray());
            }
        }

        [Fact]
        public void SaveEncoderAsOnnx_OneRowAndManyRows_SameModelServesAnyBatchSize()
        {
            var (model, rows, count) = OnnxTestModels.Train("dense-relu-mse");
            using var _ = model;
            var bytes = OnnxTestModels.Export(model.SaveEncoderAsOnnx);
            var first = rows.AsSpan(0, model.InputSize).ToArray();

            var single = OnnxRuntimeRunner.Run(bytes, ("Features", first, new long[] { 1, model.InputSize }));
            var all = OnnxRuntimeRunner.Run(bytes, ("Features", rows, new long[] { count, model.InputSize }));

            NumericAssert.Close(model.Encode(first), single["Latent"].Values);
            NumericAssert.Close(model.Encode(rows), all["Latent"].Values);
        }

        [Fact]
        public void SaveAsOnnx_OnlySomeColumnsNamed_OutputsExactlyTheTransformersColumns()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.LowRank(ml, rows: 48, size: 12);
            using var model = ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
            {
                LatentColumnName = null,
                ReconstructionErrorColumnName = "Score",
                LatentDimension = 2,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 6 } },
                MaximumNumberOfEpochs = 1,
                Seed = 1,
            }).Fit(data);
            var rows = SyntheticData.Flatten(SyntheticData.LowRankRows(5, 12, 3, seed: 9));

            var bytes = OnnxTestModels.Export(model.SaveAsOnnx);
            var (inputs, outputs) = OnnxRuntimeRunner.Names(bytes);
            var scores = OnnxRuntimeRunner.Run(bytes, ("Features", rows, new long[] { 5, 12 }));

            Assert.Equal(new[] { "Features" }, inputs);
            Assert.Equal(new[] { "Score" }, outputs);
            NumericAssert.Close(model.GetReconstructionErrors(rows), scores["Score"].Values);
        }

        [Fact]
        public void SaveEncoderAsOnnx_DisposedTransformer_ThrowsObjectDisposed()
        {
            var (model, _, _) = OnnxTestModels.Train("dense-relu-mse");
            model.Dispose();

            Assert.Throws<ObjectDisposedException>(() => model.SaveEncoderAsOnnx(new MemoryStream()));
        }

        [SkippableFact]
        public void SaveAsOnnx_EveryArchitecture_PassesOnnxChecker()
        {
            Skip.IfNot(OnnxChecker.IsAvailable, "python3 cannot import onnx: install Debian's python3-onnx to run ONNX's checker.");
            var models = new Dictionary<string, byte[]>();
            foreach (var configuration in new[] { "dense-variational-batchnorm", "dense-gelu-l1-identity-asymmetric", "conv-2channels-7x5-batchnorm-gelu", "lstm-2layers-identity", "gru-variational" })
            {
                var (model, _, _) = OnnxTestModels.Train(configuration);
                using var _ = model;
                models[configuration + "-encoder"] = OnnxTestModels.Export(model.SaveEncoderAsOnnx);
                models[configuration + "-decoder"] = OnnxTestModels.Export(model.SaveDecoderAsOnnx);
                models[configuration + "-transformer"] = OnnxTestModels.Export(model.SaveAsOnnx);
            }

            OnnxChecker.AssertValid(models);
        }
    }
}
