using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Microsoft.ML.Autoencoder.Persistence
{
    /// <summary>
    /// The integrity check of a model block (format 0x00010003 on): a SHA-256 digest of every byte of the block before
    /// the digest, followed by the entry's string table (the column and weight names, which ML.NET stores after the
    /// block), so that a changed byte anywhere in the model's data is detected before anything is built from it.
    /// SHA-256 rather than a CRC: it comes with the BCL, a 6 KB model hashes in microseconds, and no change of any
    /// number of bytes goes undetected by chance in practice.
    /// </summary>
    /// <remarks>
    /// The hashed bytes: the block's bytes as stored, then the string table as an int32 string count and, for each
    /// string in table order, its int32 length in UTF-16 code units and those code units (little-endian). The names are
    /// hashed as UTF-16 code units, not UTF-8, so that every change of a name changes the hashed bytes (UTF-8 would map
    /// every lone surrogate to the same replacement character).
    /// </remarks>
    internal sealed class ModelBlockDigest : IDisposable
    {
        /// <summary>The digest's length in bytes.</summary>
        public const int Size = 32;

        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        /// <summary>Hashes the next bytes of the model block.</summary>
        public void AppendBlock(ReadOnlySpan<byte> bytes) => _hash.AppendData(bytes);

        /// <summary>Hashes the string table after the block's bytes and returns the digest.</summary>
        public byte[] Finish(IReadOnlyList<ReadOnlyMemory<char>> strings)
        {
            Span<byte> length = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(length, strings.Count);
            _hash.AppendData(length);
            foreach (var value in strings)
            {
                BinaryPrimitives.WriteInt32LittleEndian(length, value.Length);
                _hash.AppendData(length);
                // UTF-16 code units in the machine's byte order, which the serializer has checked to be little-endian.
                _hash.AppendData(MemoryMarshal.AsBytes(value.Span));
            }
            return _hash.GetHashAndReset();
        }

        public void Dispose() => _hash.Dispose();
    }
}
