using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Autoencoder.Compression;

namespace Microsoft.ML.Autoencoder
{
    // Compression: latent codes stored as bytes (float16, or 8 bits per value over the training codes' ranges) in the
    // layout of Compression/CompressedCodeFormat.cs, and decompressed by decoding them. See docs/compression.md.
    public sealed partial class AutoencoderTransformer
    {
        /// <summary>
        /// Whether the model has the per-dimension ranges of its training codes that <see cref="CodePrecision.Byte"/> needs:
        /// every model trained by this version has them; one saved by a version before compression (model format
        /// 0x00010003 or older) does not, and compresses to <see cref="CodePrecision.Float16"/> only.
        /// </summary>
        public bool HasCodeRanges => _model.CodeRanges is not null;

        /// <summary>
        /// The smallest value of each latent dimension over the training codes (for a variational model, the means), which
        /// <see cref="CodePrecision.Byte"/> stores as 0; <see langword="null"/> when <see cref="HasCodeRanges"/> is false.
        /// </summary>
        public IReadOnlyList<float>? CodeMinimum => _model.CodeRanges?.Minimum;

        /// <summary>
        /// The largest value of each latent dimension over the training codes, which <see cref="CodePrecision.Byte"/> stores
        /// as 255; <see langword="null"/> when <see cref="HasCodeRanges"/> is false.
        /// </summary>
        public IReadOnlyList<float>? CodeMaximum => _model.CodeRanges?.Maximum;

        /// <summary>
        /// Encodes rows and stores their latent codes (for a variational model, the means) as bytes: a header with this
        /// model's fingerprint, the quantized codes, and a SHA-256 checksum (the layout is in docs/compression.md).
        /// </summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <param name="precision">How each code value is stored: <see cref="CodePrecision.Byte"/> (1 byte) or <see cref="CodePrecision.Float16"/> (2 bytes).</param>
        /// <returns>64 bytes plus, per row, <see cref="LatentDimension"/> (Byte) or twice that (Float16).</returns>
        /// <exception cref="ArgumentException">The rows are invalid (as for <see cref="Encode(float[])"/>), or a code value does not fit the precision (beyond float16's range, or NaN at 8 bits).</exception>
        /// <exception cref="InvalidOperationException"><see cref="CodePrecision.Byte"/> was asked of a model without <see cref="HasCodeRanges"/>.</exception>
        public byte[] Compress(float[] rows, CodePrecision precision = CodePrecision.Byte)
        {
            var ranges = CheckPrecision(precision);
            var codes = Encode(rows);
            int count = codes.Length / LatentDimension;
            long size = CompressedCodeFormat.BlockSize(count, LatentDimension, precision);
            if (size > Array.MaxLength)
                throw new ArgumentException($"{count} compressed codes do not fit in one array: pass fewer rows at a time, or use the Stream form.", nameof(rows));
            var block = new byte[size];
            WriteBlock(codes, count, precision, ranges, block, moreBlocks: false, firstRow: 0, nameof(rows));
            return block;
        }

        /// <summary>Encodes rows, given one array per row, and stores their latent codes as bytes (see <see cref="Compress(float[], CodePrecision)"/>).</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values each.</param>
        /// <param name="precision">How each code value is stored.</param>
        /// <returns>The compressed codes.</returns>
        public byte[] Compress(float[][] rows, CodePrecision precision = CodePrecision.Byte) => Compress(Join(rows, InputSize, nameof(rows)), precision);

        /// <summary>
        /// Writes the compressed codes of many rows to <paramref name="destination"/>, in blocks of up to 4,096 rows (each
        /// with its header and checksum; the last says it is the last), reading <paramref name="rows"/> block by block.
        /// </summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values each, read once.</param>
        /// <param name="destination">Where the bytes go; left open.</param>
        /// <param name="precision">How each code value is stored.</param>
        /// <returns>The number of rows written.</returns>
        /// <exception cref="ArgumentException">A row is invalid or its code does not fit the precision (the row is named; the blocks before it were written).</exception>
        /// <exception cref="InvalidOperationException"><see cref="CodePrecision.Byte"/> was asked of a model without <see cref="HasCodeRanges"/>.</exception>
        public long Compress(IEnumerable<float[]> rows, Stream destination, CodePrecision precision = CodePrecision.Byte)
        {
            if (rows is null)
                throw new ArgumentNullException(nameof(rows));
            if (destination is null)
                throw new ArgumentNullException(nameof(destination));
            var ranges = CheckPrecision(precision);
            int capacity = CompressedCodeFormat.StreamBlockRows;
            long written = 0;
            using var enumerator = rows.GetEnumerator();
            var batch = ReadBatch(enumerator, capacity, written);
            while (true)
            {
                // Read the next batch first: the block says whether another follows.
                var next = batch.Count == capacity ? ReadBatch(enumerator, capacity, written + batch.Count) : new List<float[]>();
                var codes = Encode(Join(batch.ToArray(), InputSize, nameof(rows)));
                var block = new byte[CompressedCodeFormat.BlockSize(batch.Count, LatentDimension, precision)];
                WriteBlock(codes, batch.Count, precision, ranges, block, moreBlocks: next.Count > 0, written, nameof(rows));
                destination.Write(block);
                written += batch.Count;
                if (next.Count == 0)
                    return written;
                batch = next;
            }
        }

        /// <summary>
        /// Decompresses codes written by <see cref="Compress(float[][], CodePrecision)"/> or the <see cref="Stream"/> form: the
        /// dequantized codes, decoded.
        /// </summary>
        /// <param name="compressed">The bytes, exactly as written.</param>
        /// <returns>One reconstruction of <see cref="InputSize"/> values per compressed row.</returns>
        /// <exception cref="FormatException">The bytes are not compressed codes, come from a newer version, are truncated or damaged, or were written by another model; the message says which.</exception>
        public float[][] Decompress(byte[] compressed) => Decode(DecompressCodes(compressed));

        /// <summary>Reads compressed codes, written by either form of Compress, back as latent codes (dequantized, not decoded).</summary>
        /// <param name="compressed">The bytes, exactly as written.</param>
        /// <returns>One latent code of <see cref="LatentDimension"/> values per compressed row.</returns>
        /// <exception cref="FormatException">The bytes are not compressed codes, come from a newer version, are truncated or damaged, or were written by another model; the message says which.</exception>
        public float[][] DecompressCodes(byte[] compressed)
        {
            if (compressed is null)
                throw new ArgumentNullException(nameof(compressed));
            using var stream = new MemoryStream(compressed, writable: false);
            var codes = new List<float[]>();
            foreach (var block in ReadBlocks(stream))
                codes.AddRange(Split(block, LatentDimension));
            if (stream.Position != stream.Length)
                throw new FormatException($"The compressed codes end at byte {stream.Position}, but the array has {stream.Length - stream.Position} bytes more.");
            return codes.ToArray();
        }

        /// <summary>
        /// Reads compressed codes from <paramref name="source"/> block by block and yields each row's reconstruction, up to
        /// and including the block that says it is the last (bytes after it are not read).
        /// </summary>
        /// <param name="source">The bytes written by <see cref="Compress(IEnumerable{float[]}, Stream, CodePrecision)"/> (or one array's); left open.</param>
        /// <returns>The reconstructions, lazily, <see cref="InputSize"/> values each.</returns>
        /// <exception cref="FormatException">While enumerating: the bytes are not compressed codes, come from a newer version, are truncated or damaged, or were written by another model.</exception>
        public IEnumerable<float[]> Decompress(Stream source)
        {
            if (source is null)
                throw new ArgumentNullException(nameof(source));
            return DecompressStream(source);
        }

        private IEnumerable<float[]> DecompressStream(Stream source)
        {
            foreach (var codes in ReadBlocks(source))
            {
                foreach (var row in Split(Decode(codes), InputSize))
                    yield return row;
            }
        }

        /// <summary>Each block's dequantized codes, one flat array per block, until the block that says it is the last.</summary>
        private IEnumerable<float[]> ReadBlocks(Stream source)
        {
            var fingerprint = _model.Fingerprint;
            for (int index = 0; ; index++)
            {
                var block = CompressedCodeFormat.ReadBlock(source, fingerprint, LatentDimension, endAllowed: false, index)!;
                var codes = new float[block.RowCount * LatentDimension];
                CodeQuantization.Dequantize(block.Payload, LatentDimension, block.Precision, _model.CodeRanges, codes);
                yield return codes;
                if (!block.MoreBlocks)
                    yield break;
            }
        }

        private CodeRanges? CheckPrecision(CodePrecision precision)
        {
            if (precision is not (CodePrecision.Float16 or CodePrecision.Byte))
                throw new ArgumentOutOfRangeException(nameof(precision), precision, "The precision is CodePrecision.Float16 or CodePrecision.Byte.");
            if (precision == CodePrecision.Byte && _model.CodeRanges is null)
                throw new InvalidOperationException(
                    "This model has no ranges of its training codes, which 8-bit compression (CodePrecision.Byte) needs: it was saved in model format 0x00010003 or older, "
                    + "before Fit fitted them. Compress with CodePrecision.Float16, or fit the model again (Options.InitialModel continues from this one) to get them.");
            return _model.CodeRanges;
        }

        private void WriteBlock(float[] codes, int count, CodePrecision precision, CodeRanges? ranges, byte[] block, bool moreBlocks, long firstRow, string parameterName)
        {
            var payload = block.AsSpan(CompressedCodeFormat.HeaderSize, block.Length - CompressedCodeFormat.HeaderSize - CompressedCodeFormat.ChecksumSize);
            CodeQuantization.Quantize(codes, LatentDimension, precision, ranges, payload, firstRow, message => new ArgumentException(message, parameterName));
            CompressedCodeFormat.Seal(block, precision, moreBlocks, _model.Fingerprint, LatentDimension, count);
        }

        private static List<float[]> ReadBatch(IEnumerator<float[]> rows, int capacity, long firstRow)
        {
            var batch = new List<float[]>(Math.Min(capacity, 256));
            while (batch.Count < capacity && rows.MoveNext())
                batch.Add(rows.Current ?? throw new ArgumentException($"Row {firstRow + batch.Count} is null.", nameof(rows)));
            return batch;
        }
    }
}
