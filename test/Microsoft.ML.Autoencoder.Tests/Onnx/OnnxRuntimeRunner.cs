using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Autoencoder.Tests.Onnx
{
    /// <summary>Runs an ONNX model in ONNX Runtime (no TorchSharp involved) on float inputs.</summary>
    internal static class OnnxRuntimeRunner
    {
        /// <summary>Every output of the model, by name, as float values with their shapes.</summary>
        public static Dictionary<string, (float[] Values, long[] Shape)> Run(byte[] model, params (string Name, float[] Values, long[] Shape)[] inputs)
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            using var session = new InferenceSession(model, options);
            var values = inputs.Select(input => OrtValue.CreateTensorValueFromMemory(input.Values, input.Shape)).ToArray();
            try
            {
                var outputNames = session.OutputNames.ToArray();
                using var runOptions = new RunOptions();
                using var results = session.Run(runOptions, inputs.Select(input => input.Name).ToArray(), values, outputNames);
                return outputNames.Zip(results).ToDictionary(
                    pair => pair.First,
                    pair => (pair.Second.GetTensorDataAsSpan<float>().ToArray(), pair.Second.GetTensorTypeAndShape().Shape));
            }
            finally
            {
                foreach (var value in values)
                    value.Dispose();
            }
        }

        /// <summary>The names of the model's inputs and outputs.</summary>
        public static (string[] Inputs, string[] Outputs) Names(byte[] model)
        {
            using var session = new InferenceSession(model);
            return (session.InputNames.ToArray(), session.OutputNames.ToArray());
        }
    }
}
