using System;
using System.Buffers.Binary;
using System.IO;
using System.Security.Cryptography;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>
    /// The byte layout of compressed latent codes (docs/compression.md): blocks, each self-contained, that carry their
    /// own length, the fingerprint of the model that wrote them and a SHA-256 checksum. An array holds one block; the
    /// stream form writes blocks of up to <see cref="StreamBlockRows"/> rows one after the other, each saying whether
    /// another follows, so that a stream cut at a block boundary is still detected.
    /// </summary>
    /// <remarks>
    /// <code>
    /// *** Block layout, version 1 *** (little-endian)
    ///   offset  size  field
    ///   0       4     magic "AECC" (0x41 0x45 0x43 0x43: autoencoder compressed codes)
    ///   4       2     layout version, uint16: 1
    ///   6       1     precision: 1 = float16 (CodePrecision.Float16), 2 = one byte per value (CodePrecision.Byte)
    ///   7       1     flags: bit 0 set = another block follows (stream form); the other bits are 0
    ///   8       16    model fingerprint: the first 16 bytes of a SHA-256 of the model's sizes, weights and code
    ///                 ranges (AutoencoderModel.Fingerprint)
    ///   24      4     latent dimension d, int32
    ///   28      4     row count n, int32 (0 or more)
    ///   32      p     payload: n codes of d values each, row after row; float16 (p = 2 n d) or bytes (p = n d),
    ///                 where byte q of dimension k stands for minimum[k] + q (maximum[k] - minimum[k]) / 255
    ///   32 + p  32    SHA-256 of bytes 0 to 32 + p
    /// </code>
    /// A reader checks, in this order: the magic, the version (a newer one is refused as such), the length, the checksum
    /// (damage), the precision, then the latent dimension and the fingerprint (another model's codes). Version history:
    /// 1, initial.
    /// </remarks>
    internal static class CompressedCodeFormat
    {
        /// <summary>The layout version this library writes and the newest it reads.</summary>
        public const ushort Version = 1;

        /// <summary>The header's length in bytes.</summary>
        public const int HeaderSize = 32;

        /// <summary>The checksum's length in bytes.</summary>
        public const int ChecksumSize = 32;

        /// <summary>The fingerprint's length in bytes.</summary>
        public const int FingerprintSize = 16;

        /// <summary>The most rows of one block of the stream form.</summary>
        public const int StreamBlockRows = 4096;

        private const byte MoreBlocksFlag = 1;

        private static ReadOnlySpan<byte> Magic => "AECC"u8;

        /// <summary>The bytes of one value at <paramref name="precision"/>.</summary>
        public static int ValueSize(CodePrecision precision) => precision == CodePrecision.Float16 ? sizeof(ushort) : sizeof(byte);

        /// <summary>The length of a block of <paramref name="rowCount"/> codes of <paramref name="dimension"/> values.</summary>
        public static long BlockSize(int rowCount, int dimension, CodePrecision precision)
            => HeaderSize + (long)rowCount * dimension * ValueSize(precision) + ChecksumSize;

        /// <summary>Writes a block's header into <paramref name="block"/> and its checksum after the payload already there.</summary>
        public static void Seal(Span<byte> block, CodePrecision precision, bool moreBlocks, ReadOnlySpan<byte> fingerprint, int dimension, int rowCount)
        {
            Magic.CopyTo(block);
            BinaryPrimitives.WriteUInt16LittleEndian(block.Slice(4), Version);
            block[6] = (byte)precision;
            block[7] = moreBlocks ? MoreBlocksFlag : (byte)0;
            fingerprint.Slice(0, FingerprintSize).CopyTo(block.Slice(8));
            BinaryPrimitives.WriteInt32LittleEndian(block.Slice(24), dimension);
            BinaryPrimitives.WriteInt32LittleEndian(block.Slice(28), rowCount);
            int end = block.Length - ChecksumSize;
            SHA256.HashData(block.Slice(0, end), block.Slice(end));
        }

        /// <summary>
        /// Reads the next block from <paramref name="stream"/> and checks it against the model that is to decode it;
        /// <see langword="null"/> at the end of the stream when <paramref name="endAllowed"/>.
        /// </summary>
        /// <exception cref="FormatException">The bytes are not compressed codes, are from a newer version, truncated, damaged, or from another model; the message says which.</exception>
        public static CodeBlock? ReadBlock(Stream stream, ReadOnlySpan<byte> fingerprint, int dimension, bool endAllowed, int blockIndex)
        {
            var header = new byte[HeaderSize];
            int read = ReadFully(stream, header);
            if (read == 0 && endAllowed)
                return null;
            string where = blockIndex == 0 ? "" : $" (block {blockIndex})";
            if (read == 0)
                throw new FormatException($"The compressed codes are truncated{where}: the previous block says another follows, but the data ends.");
            if (read < Magic.Length || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                throw new FormatException($"These bytes are not autoencoder compressed codes{where}: they do not start with the magic \"AECC\".");
            if (read < 6)
                throw new FormatException($"The compressed codes are truncated{where}: {read} bytes, fewer than the {HeaderSize}-byte header.");
            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4));
            if (version > Version)
                throw new FormatException($"The compressed codes have layout version {version}, newer than {Version}, the newest this version of Microsoft.ML.Autoencoder reads: update it to decompress them.");
            if (version == 0)
                throw new FormatException($"The compressed codes have layout version 0, which does not exist: they are damaged{where}.");
            if (read < HeaderSize)
                throw new FormatException($"The compressed codes are truncated{where}: {read} bytes, fewer than the {HeaderSize}-byte header.");

            var precision = (CodePrecision)header[6];
            int storedDimension = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(24));
            int rowCount = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(28));
            int valueSize = precision == CodePrecision.Float16 ? 2 : 1;
            long payloadLength = (long)rowCount * storedDimension * valueSize;
            if (storedDimension <= 0 || rowCount < 0 || payloadLength > Array.MaxLength - HeaderSize - ChecksumSize)
                throw new FormatException($"The compressed codes are damaged{where}: the header claims {rowCount} codes of {storedDimension} values.");
            long blockLength = HeaderSize + payloadLength + ChecksumSize;
            // A damaged row count must not make the reader allocate what the data cannot fill: a seekable stream's length
            // is checked first, and other streams are read in chunks, so memory grows only with the bytes that arrive.
            long available = stream.CanSeek ? HeaderSize + Math.Max(0, stream.Length - stream.Position) : blockLength;
            if (available < blockLength)
                throw Truncated(where, rowCount, blockLength, available);
            var rest = ReadUpTo(stream, blockLength - HeaderSize);
            if (rest.Length < blockLength - HeaderSize)
                throw Truncated(where, rowCount, blockLength, HeaderSize + rest.Length);
            var block = new byte[blockLength];
            header.CopyTo(block, 0);
            rest.CopyTo(block, HeaderSize);

            Span<byte> checksum = stackalloc byte[ChecksumSize];
            SHA256.HashData(block.AsSpan(0, block.Length - ChecksumSize), checksum);
            if (!checksum.SequenceEqual(block.AsSpan(block.Length - ChecksumSize)))
                throw new FormatException($"The compressed codes are damaged{where}: their SHA-256 checksum does not match their bytes, so a byte changed since they were written.");
            if (precision is not (CodePrecision.Float16 or CodePrecision.Byte))
                throw new FormatException($"The compressed codes have precision {(int)precision}, which this version does not know (1 = Float16, 2 = Byte).");
            if ((header[7] & ~MoreBlocksFlag) != 0)
                throw new FormatException($"The compressed codes have unknown flags 0x{header[7]:X2}{where}.");
            if (storedDimension != dimension || !header.AsSpan(8, FingerprintSize).SequenceEqual(fingerprint.Slice(0, FingerprintSize)))
                throw new FormatException(
                    $"The compressed codes were written by another model (fingerprint {Convert.ToHexString(header, 8, FingerprintSize)}, {storedDimension} latent values) " +
                    $"than this one (fingerprint {Convert.ToHexString(fingerprint.Slice(0, FingerprintSize))}, {dimension}): decompress them with the model that compressed them.");
            return new CodeBlock(precision, rowCount, (header[7] & MoreBlocksFlag) != 0, new ArraySegment<byte>(block, HeaderSize, (int)payloadLength));
        }

        private static FormatException Truncated(string where, int rowCount, long blockLength, long available)
            => new FormatException($"The compressed codes are truncated, or their header is damaged{where}: the header announces {rowCount} codes in {blockLength} bytes, but only {available} are there.");

        /// <summary>Reads up to <paramref name="count"/> bytes, in chunks of at most 1 MiB.</summary>
        private static byte[] ReadUpTo(Stream stream, long count)
        {
            const int chunk = 1 << 20;
            if (count <= chunk)
            {
                var small = new byte[count];
                return small.AsSpan(0, ReadFully(stream, small)).ToArray();
            }
            using var buffer = new MemoryStream();
            var piece = new byte[chunk];
            while (buffer.Length < count)
            {
                int read = ReadFully(stream, piece.AsSpan(0, (int)Math.Min(chunk, count - buffer.Length)));
                buffer.Write(piece, 0, read);
                if (read == 0)
                    break;
            }
            return buffer.ToArray();
        }

        private static int ReadFully(Stream stream, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer.Slice(total));
                if (read == 0)
                    break;
                total += read;
            }
            return total;
        }
    }
}
