using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The output columns of one cursor or row: which are active, and their getters, which serve one row's values from
    /// a <see cref="BatchBuffers"/>. The output columns follow the source's columns in the schema.
    /// </summary>
    internal sealed class OutputColumnSet : IOutputColumns<BatchBuffers>
    {
        private readonly (OutputKind Kind, bool Active)[] _outputs;
        private readonly int _latentDimension;
        private readonly int _inputSize;

        public OutputColumnSet(AutoencoderModelDescription description, int sourceColumnCount, Func<int, bool> isActive)
        {
            SourceColumnCount = sourceColumnCount;
            _latentDimension = description.LatentDimension;
            _inputSize = description.InputSize;
            _outputs = description.OutputColumns().Select((column, i) => (column.Kind, isActive(sourceColumnCount + i))).ToArray();
        }

        public int SourceColumnCount { get; }

        public bool AnyActive => _outputs.Any(output => output.Active);

        public bool IsActive(OutputKind kind) => _outputs.Any(output => output.Kind == kind && output.Active);

        /// <summary>Whether output column <paramref name="column"/> (an index past the source's columns) is active.</summary>
        public bool IsColumnActive(DataViewSchema.Column column) => _outputs[column.Index - SourceColumnCount].Active;

        /// <summary>
        /// The getter of output column <paramref name="column"/>; <paramref name="currentSlot"/> makes sure the current
        /// row's outputs are computed and returns its slot in <paramref name="buffers"/>.
        /// </summary>
        /// <exception cref="InvalidOperationException">The column is not active, or is read as another type.</exception>
        public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column, BatchBuffers buffers, Func<int> currentSlot)
        {
            var (kind, active) = _outputs[column.Index - SourceColumnCount];
            if (!active)
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor or row was created.");
            var outputs = buffers.Outputs;
            Delegate getter = kind switch
            {
                OutputKind.Latent => VectorGetter(outputs.Latent!, _latentDimension, currentSlot),
                OutputKind.LogVariance => VectorGetter(outputs.LogVariance!, _latentDimension, currentSlot),
                OutputKind.Reconstruction => VectorGetter(outputs.Reconstruction!, _inputSize, currentSlot),
                _ => ScalarGetter(outputs.Errors!, currentSlot),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        private static ValueGetter<float> ScalarGetter(float[] values, Func<int> currentSlot)
            => (ref float value) => value = values[currentSlot()];

        private static ValueGetter<VBuffer<float>> VectorGetter(float[] values, int size, Func<int> currentSlot)
            => (ref VBuffer<float> destination) =>
            {
                int slot = currentSlot();
                var editor = VBufferEditor.Create(ref destination, size);
                values.AsSpan(slot * size, size).CopyTo(editor.Values);
                destination = editor.Commit();
            };
    }
}
