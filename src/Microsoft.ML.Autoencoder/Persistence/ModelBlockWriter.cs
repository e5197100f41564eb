using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Microsoft.ML.Autoencoder.Persistence
{
    /// <summary>
    /// Writes the model block of an autoencoder entry (little-endian, strings as ids into ML.NET's string table, as
    /// <see cref="ModelSaveContext"/>'s own helpers do) and hashes every byte it writes, so that <see cref="Finish"/>
    /// can end the block with its <see cref="ModelBlockDigest"/>.
    /// </summary>
    internal sealed class ModelBlockWriter : IDisposable
    {
        private readonly ModelSaveContext _ctx;
        private readonly BinaryWriter _writer;
        private readonly ModelBlockDigest _digest = new ModelBlockDigest();
        private readonly byte[] _scratch = new byte[sizeof(long)];

        public ModelBlockWriter(ModelSaveContext ctx)
        {
            _ctx = ctx;
            _writer = ctx.Writer;
        }

        public void Write(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_scratch, value);
            Write(_scratch.AsSpan(0, sizeof(int)));
        }

        public void Write(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_scratch, value);
            Write(_scratch.AsSpan(0, sizeof(long)));
        }

        public void Write(float value)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_scratch, value);
            Write(_scratch.AsSpan(0, sizeof(float)));
        }

        public void Write(double value)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_scratch, value);
            Write(_scratch.AsSpan(0, sizeof(double)));
        }

        /// <summary>Writes one byte, 1 or 0.</summary>
        public void Write(bool value)
        {
            _scratch[0] = value ? (byte)1 : (byte)0;
            Write(_scratch.AsSpan(0, 1));
        }

        /// <summary>Writes whether <paramref name="value"/> is present (a bool) and then the value if it is.</summary>
        public void WriteOptional(double? value)
        {
            Write(value.HasValue);
            if (value is double present)
                Write(present);
        }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            _writer.Write(bytes);
            _digest.AppendBlock(bytes);
        }

        /// <summary>Writes the id of <paramref name="value"/> in the entry's string table, or -1 for <see langword="null"/>.</summary>
        public void WriteStringOrNull(string? value) => Write(value is null ? -1 : _ctx.Strings.Add(value).Id);

        /// <summary>Writes the id of <paramref name="value"/> in the entry's string table.</summary>
        public void WriteNonEmptyString(string value)
        {
            if (string.IsNullOrEmpty(value))
                throw new ArgumentException("A saved name must not be empty.", nameof(value));
            Write(_ctx.Strings.Add(value).Id);
        }

        /// <summary>
        /// Ends the block with the digest of everything written and of the string table, as ML.NET will write it after
        /// the block (the pool's strings in id order).
        /// </summary>
        public void Finish()
        {
            var strings = new List<ReadOnlyMemory<char>>(_ctx.Strings.Count);
            foreach (var value in _ctx.Strings)
                strings.Add(value.Value);
            _writer.Write(_digest.Finish(strings));
        }

        public void Dispose() => _digest.Dispose();
    }
}
