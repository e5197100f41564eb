using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Autoencoder.Samples.Onnx;

/// <summary>
/// The <c>onnx</c> command: trains an autoencoder on Fashion-MNIST (TorchSharp), writes its encoder as an ONNX model,
/// and encodes held-out images with <see cref="OnnxEncoder"/>, which uses ONNX Runtime only: the code a service
/// would run where neither TorchSharp nor libtorch is installed (see docs/onnx.md for such a project on its own).
/// </summary>
internal static class DeployEncoderCommand
{
    /// <summary>What a run did: the model file, and the codes of the held-out images from both runtimes.</summary>
    /// <param name="ModelPath">The encoder's ONNX file.</param>
    /// <param name="ModelBytes">Its size in bytes.</param>
    /// <param name="HeldOutCount">The number of held-out images encoded.</param>
    /// <param name="TorchSharpCodes">The codes from <see cref="AutoencoderTransformer.Encode(float[])"/>, row after row.</param>
    /// <param name="OnnxRuntimeCodes">The codes from <see cref="OnnxEncoder"/>, row after row.</param>
    public sealed record DeploymentResult(string ModelPath, long ModelBytes, int HeldOutCount, float[] TorchSharpCodes, float[] OnnxRuntimeCodes)
    {
        /// <summary>The largest difference between the two runtimes' codes.</summary>
        public double MaximumDifference => TorchSharpCodes.Zip(OnnxRuntimeCodes, (a, b) => Math.Abs((double)a - b)).Max();
    }

    public static System.CommandLine.Command Create() // Qualified: Microsoft.ML.Command is a namespace.
    {
        var latentOption = new Option<int>("--latent") { Description = "Latent dimension.", DefaultValueFactory = _ => 16 };
        var epochsOption = new Option<int>("--epochs") { Description = "Maximum number of training epochs.", DefaultValueFactory = _ => 5 };
        var outputOption = new Option<DirectoryInfo>("--output")
        {
            Description = "Folder to write encoder.onnx to (created when missing).",
            DefaultValueFactory = _ => new DirectoryInfo("onnx-output"),
        };
        var command = new System.CommandLine.Command("onnx", "Train an autoencoder on Fashion-MNIST, export its encoder to ONNX and encode held-out images with ONNX Runtime alone.")
        {
            latentOption, epochsOption, outputOption,
        };
        command.SetAction(parseResult =>
        {
            var data = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var result = Run(data, parseResult.GetValue(latentOption), parseResult.GetValue(epochsOption), parseResult.GetValue(outputOption)!.FullName, Console.Out);
            Console.WriteLine($"Wrote {result.ModelPath} ({result.ModelBytes / 1024.0:F0} KiB).");
            Console.WriteLine($"ONNX Runtime encoded {result.HeldOutCount} held-out images; largest difference from TorchSharp's codes: {result.MaximumDifference:G3}.");
            Console.WriteLine($"First image's code: [{string.Join(", ", result.OnnxRuntimeCodes.Take(result.OnnxRuntimeCodes.Length / result.HeldOutCount).Select(v => v.ToString("F3")))}]");
        });
        return command;
    }

    /// <summary>Trains on <paramref name="data"/>'s training images, exports the encoder, and encodes the held-out images both ways.</summary>
    public static DeploymentResult Run(FashionMnistDataset data, int latentDimension, int epochs, string outputDirectory, TextWriter log)
    {
        // 1. Train, where TorchSharp is installed.
        var ml = new MLContext(seed: 1);
        log.WriteLine($"Training a dense autoencoder (latent {latentDimension}) on {data.Train.Count} images...");
        using var autoencoder = ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
        {
            LatentDimension = latentDimension,
            Architecture = new DenseArchitecture { HiddenSizes = new[] { 128 } },
            MaximumNumberOfEpochs = epochs,
            Seed = 1,
        }).Fit(FashionMnist.ToDataView(ml, data.Train));

        // 2. Export the encoder: input "Features" [batch, 784], output "Latent" [batch, latent].
        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, "encoder.onnx");
        using (var file = File.Create(path))
            autoencoder.SaveEncoderAsOnnx(file);

        // 3. Deploy: ONNX Runtime alone encodes the held-out images, all in one batch.
        float[] onnxCodes;
        using (var encoder = new OnnxEncoder(path))
            onnxCodes = encoder.Encode(data.Test.Pixels, data.Test.Count);

        // 4. Check against the trained model.
        return new DeploymentResult(path, new FileInfo(path).Length, data.Test.Count, autoencoder.Encode(data.Test.Pixels), onnxCodes);
    }

    /// <summary>
    /// The deployed side: an exported encoder run by ONNX Runtime (package <c>Microsoft.ML.OnnxRuntime</c>), with no
    /// reference to TorchSharp, ML.NET or this library. Copy it into a project that references only ONNX Runtime.
    /// </summary>
    public sealed class OnnxEncoder : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly int _inputSize;

        public OnnxEncoder(string modelPath)
        {
            _session = new InferenceSession(modelPath);
            // The exported input is [batch, InputSize] with a free batch dimension (-1).
            _inputSize = (int)_session.InputMetadata["Features"].Dimensions[1];
        }

        /// <summary>The codes of <paramref name="rowCount"/> rows of <c>InputSize</c> values each, row after row.</summary>
        public float[] Encode(float[] rows, int rowCount)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(rows, new long[] { rowCount, _inputSize });
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, new[] { "Features" }, new[] { input }, new[] { "Latent" });
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        public void Dispose() => _session.Dispose();
    }
}
