using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// The detector's output columns in one cursor or row: which are active, and their getters, which serve one row's
    /// values from an <see cref="AnomalyBatch"/>. The output columns follow the source's columns in the schema.
    /// </summary>
    internal sealed class AnomalyOutputColumnSet : IOutputColumns<AnomalyBatch>
    {
        private readonly (AnomalyOutputKind Kind, bool Active)[] _outputs;
        private readonly AnomalyDetectorDescription _description;
        private readonly ReadOnlyMemory<char>[]? _slotNames;

        public AnomalyOutputColumnSet(AnomalyDetectorDescription description, int sourceColumnCount, Func<int, bool> isActive)
        {
            _description = description;
            SourceColumnCount = sourceColumnCount;
            _outputs = description.OutputColumns().Select((column, i) => (column.Kind, isActive(sourceColumnCount + i))).ToArray();
            _slotNames = description.SlotNames?.Select(name => name.AsMemory()).ToArray();
        }

        public int SourceColumnCount { get; }

        public bool AnyActive => _outputs.Any(output => output.Active);

        public bool IsActive(AnomalyOutputKind kind) => _outputs.Any(output => output.Kind == kind && output.Active);

        /// <summary>Whether output column <paramref name="column"/> (an index past the source's columns) is active.</summary>
        public bool IsColumnActive(DataViewSchema.Column column) => _outputs[column.Index - SourceColumnCount].Active;

        /// <summary>
        /// The getter of output column <paramref name="column"/>; <paramref name="currentSlot"/> makes sure the current row's
        /// outputs are computed and returns its slot in <paramref name="batch"/>.
        /// </summary>
        /// <exception cref="InvalidOperationException">The column is not active, or is read as another type.</exception>
        public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column, AnomalyBatch batch, Func<int> currentSlot)
        {
            var (kind, active) = _outputs[column.Index - SourceColumnCount];
            if (!active)
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor or row was created.");
            var outputs = batch.Outputs;
            int d = _description.FeatureCount, k = _description.TopContributorCount;
            Delegate getter = kind switch
            {
                AnomalyOutputKind.Score => (ValueGetter<float>)((ref float value) => value = outputs.Scores[currentSlot()]),
                AnomalyOutputKind.PredictedLabel => (ValueGetter<bool>)((ref bool value) => value = outputs.Labels[currentSlot()]),
                AnomalyOutputKind.NormalizedScore => (ValueGetter<float>)((ref float value) => value = outputs.NormalizedScores![currentSlot()]),
                AnomalyOutputKind.FeatureContributions => VectorGetter(outputs.Contributions!, d, currentSlot),
                AnomalyOutputKind.TopContributors => VectorGetter(outputs.TopContributors!, k, currentSlot),
                _ => NamesGetter(outputs.TopContributors!, k, currentSlot),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        private static ValueGetter<VBuffer<T>> VectorGetter<T>(T[] values, int size, Func<int> currentSlot)
            => (ref VBuffer<T> destination) =>
            {
                int slot = currentSlot();
                var editor = VBufferEditor.Create(ref destination, size);
                values.AsSpan(slot * size, size).CopyTo(editor.Values);
                destination = editor.Commit();
            };

        private ValueGetter<VBuffer<ReadOnlyMemory<char>>> NamesGetter(int[] top, int size, Func<int> currentSlot)
        {
            var names = _slotNames!;
            return (ref VBuffer<ReadOnlyMemory<char>> destination) =>
            {
                int slot = currentSlot();
                var editor = VBufferEditor.Create(ref destination, size);
                for (int i = 0; i < size; i++)
                    editor.Values[i] = names[top[slot * size + i]];
                destination = editor.Commit();
            };
        }
    }
}
