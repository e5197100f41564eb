using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Autoencoder.Tests.Onnx
{
    /// <summary>Runs an ONNX model in ONNX Runtime (no TorchSharp or ML.NET involved).</summary>
    internal static class OnnxRuntimeRunner
    {
        /// <summary>Every output of the model, by name, as float values with their shapes (all outputs must be floats).</summary>
        public static Dictionary<string, (float[] Values, long[] Shape)> Run(byte[] model, params (string Name, float[] Values, long[] Shape)[] inputs)
            => RunTyped(model, inputs.Select(input => (input.Name, (Array)input.Values, input.Shape)).ToArray())
                .ToDictionary(output => output.Key, output => ((float[])output.Value.Values, output.Value.Shape));

        /// <summary>
        /// Every output of the model, by name, with its shape; inputs and outputs may be <see cref="float"/>,
        /// <see cref="uint"/> or <see cref="long"/> arrays.
        /// </summary>
        public static Dictionary<string, (Array Values, long[] Shape)> RunTyped(byte[] model, params (string Name, Array Values, long[] Shape)[] inputs)
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            using var session = new InferenceSession(model, options);
            var values = inputs.Select(input => input.Values switch
            {
                float[] floats => OrtValue.CreateTensorValueFromMemory(floats, input.Shape),
                uint[] keys => OrtValue.CreateTensorValueFromMemory(keys, input.Shape),
                long[] longs => OrtValue.CreateTensorValueFromMemory(longs, input.Shape),
                _ => throw new ArgumentException($"Input '{input.Name}' has an unsupported element type {input.Values.GetType().GetElementType()}."),
            }).ToArray();
            try
            {
                var outputNames = session.OutputNames.ToArray();
                using var runOptions = new RunOptions();
                using var results = session.Run(runOptions, inputs.Select(input => input.Name).ToArray(), values, outputNames);
                var outputs = new Dictionary<string, (Array, long[])>();
                foreach (var (name, result) in outputNames.Zip(results))
                {
                    var info = result.GetTensorTypeAndShape();
                    Array data = info.ElementDataType switch
                    {
                        TensorElementType.Float => result.GetTensorDataAsSpan<float>().ToArray(),
                        TensorElementType.UInt32 => result.GetTensorDataAsSpan<uint>().ToArray(),
                        TensorElementType.Int64 => result.GetTensorDataAsSpan<long>().ToArray(),
                        _ => Array.Empty<object>(), // strings and other types: not compared by these tests
                    };
                    outputs[name] = (data, info.Shape);
                }
                return outputs;
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
