using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>The trained model's encoder exported to ONNX (docs/onnx.md) and run by ONNX Runtime on the held-out rows.</summary>
internal static class OnnxEncoding
{
    /// <summary>The median seconds of <paramref name="repetitions"/> encodes of all <paramref name="rows"/> in one batch, after a warm-up.</summary>
    public static double MedianSeconds(AutoencoderTransformer model, float[] rows, int rowCount, int threads, int repetitions)
    {
        using var stream = new MemoryStream();
        model.SaveEncoderAsOnnx(stream);
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(stream.ToArray(), options);
        using var runOptions = new RunOptions();
        string input = model.InputColumnName, output = model.LatentColumnName!;
        void Encode()
        {
            using var value = OrtValue.CreateTensorValueFromMemory(rows, new long[] { rowCount, model.InputSize });
            using var outputs = session.Run(runOptions, new[] { input }, new[] { value }, new[] { output });
        }
        Encode();
        return AutoencoderBenchmark.Median(Enumerable.Range(0, repetitions).Select(_ => AutoencoderBenchmark.Time(Encode)));
    }
}
