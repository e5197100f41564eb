using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// A trained network's float state (parameters and BatchNorm statistics) in managed arrays, by <c>state_dict</c>
    /// name (the names the persistence format records, e.g. <c>_encoder.linear0.weight</c>), with the reshaping the
    /// ONNX operators need: row slices, transposes, and the gate reordering of recurrent weights.
    /// </summary>
    internal sealed class NetworkWeights
    {
        private readonly IReadOnlyDictionary<string, (float[] Values, long[] Shape)> _state;

        public NetworkWeights(IReadOnlyDictionary<string, (float[] Values, long[] Shape)> state) => _state = state;

        /// <summary>The tensor named <paramref name="name"/>.</summary>
        /// <exception cref="InvalidOperationException">The network has no such float tensor (the exporter does not match the network).</exception>
        public (float[] Values, long[] Shape) this[string name]
            => _state.TryGetValue(name, out var tensor)
                ? tensor
                : throw new InvalidOperationException($"The network has no parameter '{name}', which its ONNX export reads: the exporter does not match the network.");

        /// <summary>Rows <c>[start, start + count)</c> of the first dimension of <paramref name="name"/>.</summary>
        public (float[] Values, long[] Shape) Rows(string name, long start, long count)
        {
            var (values, shape) = this[name];
            long rowSize = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            var slice = values.AsSpan(checked((int)(start * rowSize)), checked((int)(count * rowSize))).ToArray();
            var sliceShape = (long[])shape.Clone();
            sliceShape[0] = count;
            return (slice, sliceShape);
        }

        /// <summary>The transpose of the matrix <paramref name="name"/>.</summary>
        public (float[] Values, long[] Shape) Transposed(string name)
        {
            var (values, shape) = this[name];
            long rows = shape[0], columns = shape[1];
            var transposed = new float[values.Length];
            for (long i = 0; i < rows; i++)
                for (long j = 0; j < columns; j++)
                    transposed[j * rows + i] = values[i * columns + j];
            return (transposed, new[] { columns, rows });
        }

        /// <summary>
        /// The chunks of the first dimension of <paramref name="name"/> (as many as <paramref name="order"/> has
        /// entries, of equal size) in the order <paramref name="order"/> gives: chunk <c>k</c> of the result is
        /// chunk <c>order[k]</c> of the tensor.
        /// </summary>
        public float[] ReorderChunks(string name, int[] order)
        {
            var values = this[name].Values;
            int chunk = values.Length / order.Length;
            var reordered = new float[values.Length];
            for (int k = 0; k < order.Length; k++)
                Array.Copy(values, order[k] * chunk, reordered, k * chunk, chunk);
            return reordered;
        }
    }
}
