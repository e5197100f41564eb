using System;
using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>Fixed-size float chunks in native memory, freed as they are moved out or on dispose.</summary>
    internal sealed class NativeChunks : IDisposable
    {
        private readonly List<NativeBuffer> _chunks = new();
        private readonly int _length;

        public NativeChunks(int length) => _length = length;

        public NativeBuffer Add()
        {
            var chunk = new NativeBuffer(_length);
            _chunks.Add(chunk);
            return chunk;
        }

        /// <summary>Copies the chunks in order into <paramref name="destination"/> (which ends where the data ends), freeing each once copied.</summary>
        public void MoveTo(Span<float> destination)
        {
            foreach (var chunk in _chunks)
            {
                int length = Math.Min(chunk.Length, destination.Length);
                chunk.Span.Slice(0, length).CopyTo(destination);
                destination = destination.Slice(length);
                chunk.Dispose();
            }
            _chunks.Clear();
        }

        public void Dispose()
        {
            foreach (var chunk in _chunks)
                chunk.Dispose();
            _chunks.Clear();
        }
    }
}
