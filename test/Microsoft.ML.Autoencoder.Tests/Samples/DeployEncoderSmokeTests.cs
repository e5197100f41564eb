using System;
using System.IO;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Autoencoder.Samples.Onnx;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the <c>onnx</c> sample on a small slice of the Fashion-MNIST split shipped with the samples.</summary>
    public class DeployEncoderSmokeTests
    {
        [Fact]
        public void Run_TinySlice_WritesTheEncoderAndOnnxRuntimeMatchesTorchSharp()
        {
            var full = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var data = full with { Train = full.Train.Take(200), Test = full.Test.Take(50) };
            string output = Path.Combine(Path.GetTempPath(), $"onnx-sample-{Guid.NewGuid():N}");
            try
            {
                var result = DeployEncoderCommand.Run(data, latentDimension: 4, epochs: 1, output, TextWriter.Null);

                Assert.Equal(Path.Combine(output, "encoder.onnx"), result.ModelPath);
                // 784 x 128 + 128 x 4 weights and biases as 4-byte floats, plus the graph.
                Assert.InRange(result.ModelBytes, (784 * 128 + 128 + 128 * 4 + 4) * 4, (784 * 128 + 128 + 128 * 4 + 4) * 4 + 10_000);
                Assert.Equal(50 * 4, result.OnnxRuntimeCodes.Length);
                NumericAssert.Close(result.TorchSharpCodes, result.OnnxRuntimeCodes);
            }
            finally
            {
                if (Directory.Exists(output))
                    Directory.Delete(output, recursive: true);
            }
        }
    }
}
