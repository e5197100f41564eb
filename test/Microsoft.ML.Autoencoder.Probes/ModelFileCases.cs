using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Autoencoder.Tests.Persistence;

namespace Microsoft.ML.Autoencoder.Probes;

/// <summary>
/// The "model file" rows of the <c>bad-input</c> table: saved models damaged or crafted byte by byte
/// (<see cref="ModelEntryBytes"/>), each loaded with <c>mlContext.Model.Load</c>. Offsets are those of the layout in
/// docs/persistence.md: the model block starts at 0x100 after ML.NET's header; in format 0x00010003 the architecture's
/// length is at 0x125 and its bytes (kind tag, then the dense hidden-layer count and sizes) start at 0x129.
/// </summary>
internal static class ModelFileCases
{
    private const string Area = "model file";
    private const int ArchitectureLength = 0x125, Architecture = 0x129, FirstHiddenSize = 0x131;
    private const string Damaged = "The model's data is damaged: the SHA-256 digest";
    private const string TooLarge = "weights, but the model holds";

    public static IEnumerable<BadInputCase> Create()
    {
        var ml = new MLContext(seed: 1);
        byte[] dense = FuzzModels.Save(ml, "dense");
        byte[] convolutional = FuzzModels.Save(ml, "convolutional");
        byte[] initial = InitialFormatModel();

        BadInputCase Case(string name, Type expected, string message, byte[] zip)
            => new BadInputCase(Area, name, expected, message, () => Load(ml, zip));
        byte[] Entry(byte[] zip, Action<byte[]> change, bool reseal = false) => ModelEntryBytes.RewriteAutoencoderEntry(zip, entry =>
        {
            change(entry);
            if (reseal)
                ModelEntryBytes.Reseal(entry);
            return entry;
        });
        static void SetInt(byte[] entry, int offset, int value) => BitConverter.TryWriteBytes(entry.AsSpan(offset), value);
        int StateStart(byte[] entry) => Architecture + BitConverter.ToInt32(entry, ArchitectureLength);

        yield return Case("a weight's byte flipped", typeof(FormatException), Damaged,
            Entry(dense, e => e[ModelEntryBytes.HeaderSize + 0x400] ^= 0x10));
        yield return Case("a history byte flipped", typeof(FormatException), Damaged,
            Entry(dense, e => e[ModelEntryBytes.HeaderSize + ModelEntryBytes.ModelBlockLength(e) - ModelEntryBytes.DigestSize - ModelEntryBytes.CodeRangesSize(FuzzModels.LatentDimension) - 3] ^= 0x01));
        yield return Case("the input column's name changed in the string table", typeof(FormatException), Damaged,
            Entry(dense, e => e[ModelEntryBytes.StringCharsOffset(e)] ^= 0x01));
        yield return Case("the digest's last byte flipped", typeof(FormatException), Damaged,
            Entry(dense, e => e[ModelEntryBytes.HeaderSize + ModelEntryBytes.ModelBlockLength(e) - 1] ^= 0x80));
        yield return Case("first hidden size 2^24 in a 6 KB file, digest recomputed", typeof(FormatException), TooLarge,
            Entry(dense, e => SetInt(e, FirstHiddenSize, 1 << 24), reseal: true));
        yield return Case("first hidden size 2^27 in a 6 KB file, digest recomputed", typeof(FormatException), TooLarge,
            Entry(dense, e => SetInt(e, FirstHiddenSize, 1 << 27), reseal: true));
        yield return Case("input size 2^24, digest recomputed", typeof(FormatException), TooLarge,
            Entry(dense, e => SetInt(e, ModelEntryBytes.HeaderSize, 1 << 24), reseal: true));
        yield return Case("format 0x00010001 (no digest) with hidden size 2^24", typeof(FormatException), TooLarge,
            Entry(initial, e => SetInt(e, 0x12D, 1 << 24)));
        yield return Case("format 0x00010002 (no digest) with hidden size 2^27", typeof(FormatException), TooLarge,
            VariantsFormat(Entry(dense, e => SetInt(e, FirstHiddenSize, 1 << 27))));
        yield return Case("convolutional image height changed, digest recomputed", typeof(FormatException), "does not have the input size",
            // Convolutional settings: channels (bool + int), then height (bool + int).
            Entry(convolutional, e => SetInt(e, Architecture + 4 + 5 + 1, 5), reseal: true));
        yield return Case("a weight's shape transposed, digest recomputed", typeof(FormatException), "has shape [20, 16], but the architecture needs [16, 20]",
            Entry(dense, e =>
            {
                // The first state entry: name id, element type, rank 2, shape [16, 20].
                int shape = StateStart(e) + 4 + 4 + 4 + 4;
                BitConverter.TryWriteBytes(e.AsSpan(shape), 20L);
                BitConverter.TryWriteBytes(e.AsSpan(shape + 8), 16L);
            }, reseal: true));
        yield return Case("2^30 weight tensors claimed, digest recomputed", typeof(FormatException), "weight tensors, more than the",
            Entry(dense, e => SetInt(e, StateStart(e), 1 << 30), reseal: true));
        yield return Case("a string id past the string table, digest recomputed", typeof(FormatException), "but the entry's string table has",
            Entry(dense, e => SetInt(e, ModelEntryBytes.HeaderSize + 8, 1000), reseal: true));
        yield return Case("version fields lowered to 0x00010002", typeof(FormatException), "65 bytes follow the training history",
            Entry(dense, e =>
            {
                SetInt(e, ModelEntryBytes.ModelVerWritten, 0x00010002);
                SetInt(e, ModelEntryBytes.ModelVerReadable, 0x00010002);
            }));
        yield return Case("saved by a newer version (0x00020001)", typeof(FormatException), "saved by a newer version of Microsoft.ML.Autoencoder",
            Entry(dense, e =>
            {
                SetInt(e, ModelEntryBytes.ModelVerWritten, 0x00020001);
                SetInt(e, ModelEntryBytes.ModelVerReadable, 0x00020001);
            }));
        yield return Case("zip cut in half", typeof(FormatException), "Failed to open a zip archive", dense[..(dense.Length / 2)]);
        yield return Case("autoencoder entry cut in half (ML.NET's header check)", typeof(FormatException), "invalid format",
            ModelEntryBytes.RewriteAutoencoderEntry(dense, e => e[..(e.Length / 2)]));
    }

    private static void Load(MLContext ml, byte[] zip)
    {
        using var stream = new MemoryStream(zip, writable: false);
        var model = ml.Model.Load(stream, out _);
        (model as IDisposable)?.Dispose();
    }

    /// <summary>The model saved by the initial format's version of the library (test/.../Persistence/TestData).</summary>
    private static byte[] InitialFormatModel()
    {
        using var stream = typeof(ModelFileCases).Assembly.GetManifestResourceStream("autoencoder-format-0x00010001.zip")
            ?? throw new InvalidOperationException("The initial-format model is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The zip with its autoencoder entry rewritten in format 0x00010002: the same layout without the scoring policy, the code ranges and the digest.</summary>
    private static byte[] VariantsFormat(byte[] zip) => ModelEntryBytes.RewriteAutoencoderEntry(zip, entry =>
    {
        byte[] block = ModelEntryBytes.ModelBlock(entry);
        var result = ModelEntryBytes.ReplaceModelBlock(entry, block[..^(sizeof(int) + ModelEntryBytes.CodeRangesSize(FuzzModels.LatentDimension) + ModelEntryBytes.DigestSize)]);
        BitConverter.TryWriteBytes(result.AsSpan(ModelEntryBytes.ModelVerWritten), 0x00010002);
        BitConverter.TryWriteBytes(result.AsSpan(ModelEntryBytes.ModelVerReadable), 0x00010002);
        return result;
    });
}
