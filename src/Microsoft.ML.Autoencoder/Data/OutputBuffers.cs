using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The inputs and computed outputs of a batch of rows, and the getters that serve one row's outputs
    /// from them. Shared by the transformer's cursor (many rows per batch) and its row mapper (one).
    /// </summary>
    internal sealed class OutputBuffers : IDisposable
    {
        private readonly AutoencoderTransformer _parent;
        private bool _returned;

        public OutputBuffers(AutoencoderTransformer parent, int capacity, bool latent, bool logVariance, bool reconstruction, bool error)
        {
            _parent = parent;
            Capacity = capacity;
            Input = TensorConversion.RentAligned(capacity * parent.InputSize, out int offset);
            InputOffset = offset;
            Latent = latent ? new float[capacity * parent.LatentDimension] : null;
            LogVariance = logVariance ? new float[capacity * parent.LatentDimension] : null;
            Reconstruction = reconstruction ? new float[capacity * parent.InputSize] : null;
            Error = error ? new float[capacity] : null;
        }

        public int Capacity { get; }

        /// <summary>The batch's input rows, from <see cref="InputOffset"/> on (pinned, 64-byte aligned there).</summary>
        public float[] Input { get; }

        public int InputOffset { get; }

        public float[]? Latent { get; }

        public float[]? LogVariance { get; }

        public float[]? Reconstruction { get; }

        public float[]? Error { get; }

        public bool AnyOutput => Latent is not null || LogVariance is not null || Reconstruction is not null || Error is not null;

        /// <summary>Gives the input buffer back for the next cursor; the buffers must not be used after.</summary>
        public void Dispose()
        {
            if (_returned)
                return;
            _returned = true;
            TensorConversion.ReturnAligned(Input, InputOffset, Capacity * _parent.InputSize);
        }

        /// <summary>Copies one input row into slot <paramref name="slot"/>.</summary>
        public void SetInput(int slot, in VBuffer<float> row) => row.CopyTo(Input.AsSpan(InputOffset + slot * _parent.InputSize, _parent.InputSize));

        /// <summary>Computes the outputs of the first <paramref name="rowCount"/> slots.</summary>
        public void Compute(int rowCount) => _parent.Map(Input, InputOffset, viewable: true, rowCount, Latent, LogVariance, Reconstruction, Error);

        /// <summary>
        /// Creates the getter of output <paramref name="kind"/>; <paramref name="currentSlot"/> makes sure
        /// the current row's outputs are computed and returns its slot.
        /// </summary>
        public Delegate CreateGetter(OutputKind kind, Func<int> currentSlot)
        {
            switch (kind)
            {
                case OutputKind.Latent:
                    return VectorGetter(Latent!, _parent.LatentDimension, currentSlot);
                case OutputKind.LogVariance:
                    return VectorGetter(LogVariance!, _parent.LatentDimension, currentSlot);
                case OutputKind.Reconstruction:
                    return VectorGetter(Reconstruction!, _parent.InputSize, currentSlot);
                default:
                    var error = Error!;
                    ValueGetter<float> getter = (ref float value) => value = error[currentSlot()];
                    return getter;
            }
        }

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
