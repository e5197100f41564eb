using System;
using System.Collections.Generic;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>
    /// Fixed-size float chunks in native memory, freed as they are moved out or on dispose: how a source of unknown length
    /// is read (<see cref="Data.FeatureMatrix"/>). Each chunk (48 MB) is above glibc's largest mmap threshold, so freeing
    /// one returns its pages at once and the peak stays near one copy of the data, not two (managed chunks would stay
    /// resident until a collection; growing one array by doubling touches several times the data's size).
    /// </summary>
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
