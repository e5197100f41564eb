using System;
using System.Buffers;
using System.IO;
using System.Security.Cryptography;

namespace Microsoft.ML.Autoencoder.Persistence
{
    /// <summary>
    /// Reads the model block of an autoencoder entry and never past it: every read checks the bytes left, so a corrupt
    /// count or length fails with an <see cref="InvalidDataException"/> instead of reading into the string table or
    /// allocating gigabytes. When the block carries a <see cref="ModelBlockDigest"/> (format 0x00010003 on),
    /// <see cref="Open"/> verifies it before the first value is read.
    /// </summary>
    internal sealed class ModelBlockReader
    {
        private readonly BinaryReader _reader;
        private readonly string[] _strings;
        private readonly long _end;
        private readonly long _blockEnd;

        private ModelBlockReader(ModelLoadContext ctx, long end)
        {
            _reader = ctx.Reader;
            _strings = ctx.Strings ?? Array.Empty<string>();
            _end = end;
            _blockEnd = ctx.FpMin + ctx.Header.FpModel + ctx.Header.CbModel;
        }

        /// <summary>The bytes of the model block not read yet (the digest, if any, excluded).</summary>
        public long Remaining => _end - _reader.BaseStream.Position;

        /// <summary>
        /// Starts reading the model block of <paramref name="ctx"/> (whose reader must be at its start). With
        /// <paramref name="hasDigest"/>, first checks the digest that ends the block against the block's bytes and the
        /// entry's string table.
        /// </summary>
        /// <exception cref="InvalidDataException">The block is too short for its digest, or the digest does not match.</exception>
        public static ModelBlockReader Open(ModelLoadContext ctx, bool hasDigest)
        {
            long start = ctx.FpMin + ctx.Header.FpModel;
            long length = ctx.Header.CbModel;
            if (!hasDigest)
                return new ModelBlockReader(ctx, start + length);
            if (length < ModelBlockDigest.Size)
                throw new InvalidDataException($"The model block has {length} bytes, fewer than the {ModelBlockDigest.Size}-byte SHA-256 digest that ends it.");

            long dataLength = length - ModelBlockDigest.Size;
            var stream = ctx.Reader.BaseStream;
            byte[] computed;
            using (var digest = new ModelBlockDigest())
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    for (long left = dataLength; left > 0;)
                    {
                        int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                        if (read == 0)
                            throw new EndOfStreamException("The model entry ends inside its model block.");
                        digest.AppendBlock(buffer.AsSpan(0, read));
                        left -= read;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                var strings = Array.ConvertAll(ctx.Strings ?? Array.Empty<string>(), s => s.AsMemory());
                computed = digest.Finish(strings);
            }
            byte[] recorded = ctx.Reader.ReadBytes(ModelBlockDigest.Size);
            if (recorded.Length != ModelBlockDigest.Size)
                throw new EndOfStreamException("The model entry ends inside the digest of its model block.");
            if (!CryptographicOperations.FixedTimeEquals(computed, recorded))
                throw new InvalidDataException(
                    "The model's data is damaged: the SHA-256 digest of its model block and names differs from the one recorded when it was saved, " +
                    "so a byte of the autoencoder's entry changed since. Load an undamaged copy of the file.");
            stream.Position = start;
            return new ModelBlockReader(ctx, start + dataLength);
        }

        public int ReadInt32() => Take(sizeof(int), "an int")._reader.ReadInt32();

        public long ReadInt64() => Take(sizeof(long), "a long")._reader.ReadInt64();

        public double ReadDouble() => Take(sizeof(double), "a double")._reader.ReadDouble();

        public float ReadSingle() => Take(sizeof(float), "a float")._reader.ReadSingle();

        public bool ReadBoolean()
        {
            byte value = Take(sizeof(byte), "a bool")._reader.ReadByte();
            if (value > 1)
                throw new InvalidDataException($"A bool has the value {value}.");
            return value == 1;
        }

        /// <summary>Reads a presence flag and, when it is set, the value (as <see cref="ModelBlockWriter.WriteOptional"/> writes them).</summary>
        public double? ReadOptionalDouble() => ReadBoolean() ? ReadDouble() : null;

        public byte[] ReadBytes(int count, string what)
        {
            if (count < 0)
                throw new InvalidDataException($"Negative length {count} of {what}.");
            Take(count, what);
            var bytes = _reader.ReadBytes(count);
            if (bytes.Length != count)
                throw new EndOfStreamException($"The model entry ends inside {what}.");
            return bytes;
        }

        /// <summary>Reads a string id and returns the string of the entry's string table, or <see langword="null"/> for -1.</summary>
        public string? ReadStringOrNull(string what)
        {
            int id = Take(sizeof(int), what)._reader.ReadInt32();
            return id == -1 ? null : Lookup(id, what);
        }

        /// <summary>Reads a string id and returns the string of the entry's string table, which must not be empty.</summary>
        public string ReadNonEmptyString(string what)
        {
            string value = Lookup(Take(sizeof(int), what)._reader.ReadInt32(), what);
            if (value.Length == 0)
                throw new InvalidDataException($"The {what} is empty.");
            return value;
        }

        /// <summary>Checks that every byte of the block was read and moves past the digest, where ML.NET expects the reader.</summary>
        public void Finish(string lastPart)
        {
            if (Remaining != 0)
                throw new InvalidDataException($"{Remaining} bytes follow the {lastPart}.");
            _reader.BaseStream.Position = _blockEnd;
        }

        private string Lookup(int id, string what)
        {
            if (id < 0 || id >= _strings.Length)
                throw new InvalidDataException($"The {what} is string {id}, but the entry's string table has {_strings.Length} strings.");
            return _strings[id];
        }

        private ModelBlockReader Take(long count, string what)
        {
            if (count > Remaining)
                throw new InvalidDataException($"The model block ends before {what} ({count} bytes needed, {Remaining} left).");
            return this;
        }
    }
}
