using System;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>The one output column of <see cref="AutoencoderCompressionTransformer"/>: a row's compressed code, a known-size vector of bytes.</summary>
    internal sealed class CompressedCodeColumn : IOutputColumns<CompressionBatch>
    {
        private readonly bool _active;
        private readonly int _size;

        public CompressedCodeColumn(int sourceColumnCount, bool active, int size)
        {
            SourceColumnCount = sourceColumnCount;
            _active = active;
            _size = size;
        }

        public int SourceColumnCount { get; }

        public bool AnyActive => _active;

        public bool IsColumnActive(DataViewSchema.Column column) => _active;

        /// <exception cref="InvalidOperationException">The column is not active, or is read as another type than a vector of bytes.</exception>
        public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column, CompressionBatch batch, Func<int> currentSlot)
        {
            if (!_active)
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor or row was created.");
            ValueGetter<VBuffer<byte>> getter = (ref VBuffer<byte> destination) =>
            {
                int slot = currentSlot();
                var editor = VBufferEditor.Create(ref destination, _size);
                batch.Bytes.AsSpan(slot * _size, _size).CopyTo(editor.Values);
                destination = editor.Commit();
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }
    }
}
