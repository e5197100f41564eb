using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;

/// <summary>
/// Reads and rewrites the autoencoder's <c>Model.key</c> entry of a saved model zip byte by byte, from the layout in
/// docs/persistence.md (ML.NET's 256-byte header, the model block, the string table), written here independently of
/// the library: it crafts damaged files (a changed value with a valid digest, an older format version) for the tests
/// and the probes' <c>bad-input</c> cases, and checks that the digest is what the documentation says.
/// </summary>
internal static class ModelEntryBytes
{
    /// <summary>The model signature in the entry's header (offset 0x40), "AUTOENCD" as a little-endian ulong.</summary>
    public static readonly ulong ModelSignature = BitConverter.ToUInt64(Encoding.ASCII.GetBytes("AUTOENCD"));

    /// <summary>The length of ML.NET's header, where the model block starts.</summary>
    public const int HeaderSize = 0x100;

    /// <summary>The length of the code ranges (format 0x00010004 on) of a model with <paramref name="latentDimension"/> latent values: flag, dimension, minima, maxima.</summary>
    public static int CodeRangesSize(int latentDimension) => 1 + sizeof(int) + 2 * sizeof(float) * latentDimension;

    /// <summary>The length of the SHA-256 digest that ends the model block from format 0x00010003 on.</summary>
    public const int DigestSize = 32;

    // Offsets of ML.NET's ModelHeader fields (src/Microsoft.ML.Core/Data/ModelHeader.cs).
    private const int FpModel = 0x10, CbModel = 0x18, FpStringTable = 0x20, CbStringTable = 0x28, FpStringChars = 0x30, CbStringChars = 0x38;
    public const int ModelVerWritten = 0x48, ModelVerReadable = 0x4C;
    private const int FpTail = 0x80, FpLim = 0x88, FpAssemblyName = 0x90;

    /// <summary>The length of the model block, from the header.</summary>
    public static int ModelBlockLength(byte[] entry) => checked((int)BitConverter.ToInt64(entry, CbModel));

    /// <summary>Where the string table's characters start in the entry (UTF-16), from the header.</summary>
    public static int StringCharsOffset(byte[] entry) => checked((int)BitConverter.ToInt64(entry, FpStringChars));

    /// <summary>The entry's string table, read as ML.NET reads it: cumulative byte offsets, then UTF-16 characters.</summary>
    public static string[] Strings(byte[] entry)
    {
        long table = BitConverter.ToInt64(entry, FpStringTable);
        int count = checked((int)(BitConverter.ToInt64(entry, CbStringTable) / sizeof(long)));
        int chars = StringCharsOffset(entry);
        var strings = new string[count];
        long previous = 0;
        for (int i = 0; i < count; i++)
        {
            long lim = BitConverter.ToInt64(entry, checked((int)table + i * sizeof(long)));
            strings[i] = Encoding.Unicode.GetString(entry, chars + (int)previous, (int)(lim - previous));
            previous = lim;
        }
        return strings;
    }

    /// <summary>
    /// The digest docs/persistence.md specifies for the model block of <paramref name="entry"/>: SHA-256 of the block's
    /// bytes before the digest, then the string count and each string's length and UTF-16 code units.
    /// </summary>
    public static byte[] ComputeDigest(byte[] entry)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(entry, HeaderSize, ModelBlockLength(entry) - DigestSize);
        var strings = Strings(entry);
        hash.AppendData(BitConverter.GetBytes(strings.Length));
        foreach (string value in strings)
        {
            hash.AppendData(BitConverter.GetBytes(value.Length));
            hash.AppendData(Encoding.Unicode.GetBytes(value));
        }
        return hash.GetHashAndReset();
    }

    /// <summary>The digest recorded at the end of the entry's model block.</summary>
    public static byte[] RecordedDigest(byte[] entry) => entry.AsSpan(HeaderSize + ModelBlockLength(entry) - DigestSize, DigestSize).ToArray();

    /// <summary>Writes the digest of the entry's current bytes over the recorded one: a crafted file that passes the integrity check.</summary>
    public static void Reseal(byte[] entry) => ComputeDigest(entry).CopyTo(entry, HeaderSize + ModelBlockLength(entry) - DigestSize);

    /// <summary>
    /// The entry with its model block replaced by <paramref name="block"/> (of any length): the string table, assembly
    /// name and tail move, and the header's offsets with them.
    /// </summary>
    public static byte[] ReplaceModelBlock(byte[] entry, byte[] block)
    {
        int oldLength = ModelBlockLength(entry);
        long delta = block.Length - oldLength;
        var result = entry[..HeaderSize].Concat(block).Concat(entry[(HeaderSize + oldLength)..]).ToArray();
        Assert(BitConverter.ToInt64(entry, FpModel) == HeaderSize, "The model block does not follow the header.");
        BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(CbModel), block.Length);
        foreach (int field in new[] { FpStringTable, FpStringChars, FpTail, FpLim, FpAssemblyName })
        {
            long value = BitConverter.ToInt64(entry, field);
            if (value != 0)
                BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(field), value + delta);
        }
        return result;
    }

    /// <summary>The entry's model block.</summary>
    public static byte[] ModelBlock(byte[] entry) => entry.AsSpan(HeaderSize, ModelBlockLength(entry)).ToArray();

    /// <summary>The decompressed autoencoder entry of <paramref name="zip"/> (found by the model signature in its header).</summary>
    public static byte[] ReadAutoencoderEntry(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        return archive.Entries.Where(e => e.Name == "Model.key").Select(ReadAll).Single(IsAutoencoderEntry);
    }

    /// <summary>
    /// <paramref name="zip"/> with its autoencoder entry replaced by what <paramref name="rewrite"/> makes of it (which may
    /// change the bytes in place and return the same array, or return another length).
    /// </summary>
    public static byte[] RewriteAutoencoderEntry(byte[] zip, Func<byte[], byte[]> rewrite)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var found = archive.Entries.Where(e => e.Name == "Model.key").Select(e => (Entry: e, Bytes: ReadAll(e)))
                .Single(e => IsAutoencoderEntry(e.Bytes));
            byte[] rewritten = rewrite(found.Bytes);
            using var entryStream = found.Entry.Open();
            entryStream.SetLength(0);
            entryStream.Write(rewritten);
        }
        return stream.ToArray();
    }

    private static bool IsAutoencoderEntry(byte[] entry) => entry.Length >= 0x48 && BitConverter.ToUInt64(entry, 0x40) == ModelSignature;

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var entryStream = entry.Open();
        using var copy = new MemoryStream();
        entryStream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void Assert(bool condition, string message)
    {
        if (!condition)
            throw new InvalidOperationException(message);
    }
}
