using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The inputs and computed outputs of a batch of rows, and the getters that serve one row's outputs
    /// from them. Shared by the transformer's cursor (many rows per batch) and its row mapper (one).
    /// </summary>
    internal sealed class OutputBuffers
    {
        private readonly AutoencoderTransformer _parent;

        public OutputBuffers(AutoencoderTransformer parent, int capacity, bool latent, bool logVariance, bool reconstruction, bool error)
        {
            _parent = parent;
            Capacity = capacity;
            Input = new float[capacity * parent.InputSize];
            Latent = latent ? new float[capacity * parent.LatentDimension] : null;
            LogVariance = logVariance ? new float[capacity * parent.LatentDimension] : null;
            Reconstruction = reconstruction ? new float[capacity * parent.InputSize] : null;
            Error = error ? new float[capacity] : null;
        }

        public int Capacity { get; }

        public float[] Input { get; }

        public float[]? Latent { get; }

        public float[]? LogVariance { get; }

        public float[]? Reconstruction { get; }

        public float[]? Error { get; }

        public bool AnyOutput => Latent is not null || LogVariance is not null || Reconstruction is not null || Error is not null;

        /// <summary>Copies one input row into slot <paramref name="slot"/>.</summary>
        public void SetInput(int slot, in VBuffer<float> row) => row.CopyTo(Input.AsSpan(slot * _parent.InputSize, _parent.InputSize));

        /// <summary>Computes the outputs of the first <paramref name="rowCount"/> slots.</summary>
        public void Compute(int rowCount) => _parent.Map(Input, rowCount, Latent, LogVariance, Reconstruction, Error);

        /// <summary>
        /// Creates the getter of output <paramref name="kind"/>; <paramref name="currentSlot"/> makes sure
        /// the current row's outputs are computed and returns its slot.
        /// </summary>
        public Delegate CreateGetter(OutputKind kind, Func<int> currentSlot)
            => CreateGetter(kind, _parent, () => (this, currentSlot()));

        /// <summary>
        /// Creates the getter of output <paramref name="kind"/> for rows whose buffers change from batch to batch:
        /// <paramref name="current"/> returns the current row's buffers (outputs computed) and its slot in them.
        /// </summary>
        public static Delegate CreateGetter(OutputKind kind, AutoencoderTransformer parent, Func<(OutputBuffers Buffers, int Slot)> current)
        {
            switch (kind)
            {
                case OutputKind.Latent:
                    return VectorGetter(b => b.Latent!, parent.LatentDimension, current);
                case OutputKind.LogVariance:
                    return VectorGetter(b => b.LogVariance!, parent.LatentDimension, current);
                case OutputKind.Reconstruction:
                    return VectorGetter(b => b.Reconstruction!, parent.InputSize, current);
                default:
                    ValueGetter<float> getter = (ref float value) =>
                    {
                        var (buffers, slot) = current();
                        value = buffers.Error![slot];
                    };
                    return getter;
            }
        }

        private static ValueGetter<VBuffer<float>> VectorGetter(Func<OutputBuffers, float[]> select, int size, Func<(OutputBuffers Buffers, int Slot)> current)
            => (ref VBuffer<float> destination) =>
            {
                var (buffers, slot) = current();
                var editor = VBufferEditor.Create(ref destination, size);
                select(buffers).AsSpan(slot * size, size).CopyTo(editor.Values);
                destination = editor.Commit();
            };
    }
}
