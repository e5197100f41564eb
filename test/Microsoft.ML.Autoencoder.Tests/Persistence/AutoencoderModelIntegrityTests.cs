using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;

/// <summary>
/// Damaged model files: a changed byte anywhere in the autoencoder's data (model block or names) is refused by the
/// integrity check (format 0x00010003), sizes that the file cannot back are refused before any network is built (also
/// in files of the older formats, which have no digest, and in crafted files with a valid digest), and a seeded fuzz of
/// byte flips and truncations never gives a silently different model.
/// </summary>
public sealed class AutoencoderModelIntegrityTests
{
    private const int Size = FuzzModels.Size;

    private readonly ITestOutputHelper _output;

    public AutoencoderModelIntegrityTests(ITestOutputHelper output) => _output = output;

    private static byte[] SaveDense(MLContext ml) => FuzzModels.Save(ml, "dense");

    private static ITransformer Load(MLContext ml, byte[] zip)
    {
        using var stream = new MemoryStream(zip, writable: false);
        return ml.Model.Load(stream, out _);
    }

    /// <summary>
    /// Loads <paramref name="zip"/>, which must fail, and returns the cause: the <see cref="FormatException"/> our loader
    /// throws (inside ML.NET's wrappers). Checks that no native tensor was left behind.
    /// </summary>
    private static FormatException LoadFails(MLContext ml, byte[] zip)
    {
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var exception = Assert.ThrowsAny<Exception>(() => Load(ml, zip));
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var (refused, _, message) = ModelCorruptionFuzz.Classify(exception);
        Assert.True(refused, message);
        return (FormatException)Assert.Single(AutoencoderModelPersistenceTests.Chain(exception),
            e => e is FormatException && e.Message.StartsWith("Cannot load the autoencoder model", StringComparison.Ordinal));
    }

    /// <summary>
    /// One bit changed at an offset of the model block (counted from its end when negative): the input size, a string
    /// id, the loss, a weight, the last byte of the history, the digest itself. Without the digest a weight or history
    /// byte loaded silently; now every one is refused, saying the data is damaged.
    /// </summary>
    [Theory]
    [InlineData(0x00)]
    [InlineData(0x08)]
    [InlineData(0x1C)]
    [InlineData(0x400)]
    [InlineData(-ModelEntryBytes.DigestSize - 1)]
    [InlineData(-1)]
    public void Load_BitFlippedInModelBlock_ThrowsNamingDamage(int offset)
    {
        var ml = new MLContext(seed: 1);
        byte[] damaged = ModelEntryBytes.RewriteAutoencoderEntry(SaveDense(ml), entry =>
        {
            int block = ModelEntryBytes.ModelBlockLength(entry);
            entry[ModelEntryBytes.HeaderSize + (offset >= 0 ? offset : block + offset)] ^= 0x01;
            return entry;
        });

        var cause = LoadFails(ml, damaged);

        Assert.Contains("The model's data is damaged: the SHA-256 digest of its model block and names differs from the one recorded when it was saved", cause.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(cause.InnerException);
    }

    /// <summary>
    /// A character of the input column's name changed in ML.NET's string table, outside the model block: before the
    /// digest covered the names, the model loaded reading another column.
    /// </summary>
    [Fact]
    public void Load_CharacterChangedInStringTable_ThrowsNamingDamage()
    {
        var ml = new MLContext(seed: 1);
        byte[] damaged = ModelEntryBytes.RewriteAutoencoderEntry(SaveDense(ml), entry =>
        {
            Assert.Equal("Features", ModelEntryBytes.Strings(entry)[0]);
            entry[ModelEntryBytes.StringCharsOffset(entry)] ^= 0x01; // 'F' -> 'G'
            Assert.Equal("Geatures", ModelEntryBytes.Strings(entry)[0]);
            return entry;
        });

        var cause = LoadFails(ml, damaged);

        Assert.Contains("The model's data is damaged", cause.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A crafted file with a valid digest whose first hidden size (the dense settings start with the kind tag, the
    /// hidden-layer count and the first size, at 0x129, 0x12D and 0x131) reads 2^24 or 2^27: the 6 KB file cannot hold
    /// such a network, and the loader says so before building it (2^24 used to allocate 2.2 GB first; 2^27 failed under a
    /// memory limit with libtorch's "can't allocate memory").
    /// </summary>
    [Theory]
    [InlineData(1 << 24)]
    [InlineData(1 << 27)]
    public void Load_HiddenSizeTheFileCannotHoldWithValidDigest_ThrowsBeforeBuilding(int hiddenSize)
    {
        var ml = new MLContext(seed: 1);
        byte[] crafted = ModelEntryBytes.RewriteAutoencoderEntry(SaveDense(ml), entry =>
        {
            Assert.Equal((1, 2, 16), (BitConverter.ToInt32(entry, 0x129), BitConverter.ToInt32(entry, 0x12D), BitConverter.ToInt32(entry, 0x131)));
            BitConverter.TryWriteBytes(entry.AsSpan(0x131), hiddenSize);
            ModelEntryBytes.Reseal(entry);
            return entry;
        });

        var cause = LoadFails(ml, crafted);

        Assert.Contains($"(DenseArchitecture, input size {Size}, latent dimension 3) has at least", cause.Message, StringComparison.Ordinal);
        Assert.Contains("weights, but the model holds", cause.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(cause.InnerException);
    }

    /// <summary>
    /// The committed model of the initial format (0x00010001, no digest) with its only hidden size (4, at 0x12D: that
    /// format has no log-variance string id) set to 2^24: refused by the size check before anything is built.
    /// </summary>
    [Fact]
    public void Load_InitialFormatFileWithHiddenSizeTheFileCannotHold_ThrowsBeforeBuilding()
    {
        var ml = new MLContext(seed: 1);
        byte[] zip;
        using (var stream = typeof(AutoencoderModelIntegrityTests).Assembly.GetManifestResourceStream("autoencoder-format-0x00010001.zip")!)
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            zip = copy.ToArray();
        }
        byte[] crafted = ModelEntryBytes.RewriteAutoencoderEntry(zip, entry =>
        {
            Assert.Equal(0x00010001u, BitConverter.ToUInt32(entry, ModelEntryBytes.ModelVerWritten));
            Assert.Equal((1, 1, 4), (BitConverter.ToInt32(entry, 0x125), BitConverter.ToInt32(entry, 0x129), BitConverter.ToInt32(entry, 0x12D)));
            BitConverter.TryWriteBytes(entry.AsSpan(0x12D), 1 << 24);
            return entry;
        });

        var cause = LoadFails(ml, crafted);

        Assert.Contains("(DenseArchitecture, input size 20, latent dimension 2) has at least", cause.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A model in the variants format (0x00010002): the layout of 0x00010004 without the scoring policy, the code ranges
    /// and the digest, made from a saved model by removing them and writing the older version. It still loads, bit-identical.
    /// </summary>
    [Fact]
    public void Load_ModelInVariantsFormatWithoutDigest_GivesBitIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var data = FuzzModels.Data(ml);
        byte[] zip = FuzzModels.Save(ml, "variational");
        byte[] older = ModelEntryBytes.RewriteAutoencoderEntry(zip, entry =>
        {
            Assert.Equal(ModelEntryBytes.ComputeDigest(entry), ModelEntryBytes.RecordedDigest(entry));
            byte[] block = ModelEntryBytes.ModelBlock(entry);
            var result = ModelEntryBytes.ReplaceModelBlock(entry, block[..^(sizeof(int) + ModelEntryBytes.CodeRangesSize(FuzzModels.LatentDimension) + ModelEntryBytes.DigestSize)]);
            BitConverter.TryWriteBytes(result.AsSpan(ModelEntryBytes.ModelVerWritten), 0x00010002u);
            BitConverter.TryWriteBytes(result.AsSpan(ModelEntryBytes.ModelVerReadable), 0x00010002u);
            return result;
        });

        using var expected = (AutoencoderTransformer)Load(ml, zip);
        using var loaded = (AutoencoderTransformer)Load(ml, older);

        foreach (string column in new[] { "Latent", "LogVariance", "Reconstruction" })
            Assert.Equal(Bits(expected.Transform(data).GetColumn<float[]>(column).SelectMany(v => v)), Bits(loaded.Transform(data).GetColumn<float[]>(column).SelectMany(v => v)));
        Assert.Equal(Bits(expected.Transform(data).GetColumn<float>("Error")), Bits(loaded.Transform(data).GetColumn<float>("Error")));
        Assert.Equal(
            expected.TrainingHistory.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate, e.Seconds, e.RegularizationLoss, e.KullbackLeiblerDivergence)),
            loaded.TrainingHistory.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate, e.Seconds, e.RegularizationLoss, e.KullbackLeiblerDivergence)));
    }

    /// <summary>
    /// A model in the integrity format (0x00010003): the layout of 0x00010004 without the code ranges, made from a saved
    /// model by removing them, writing the older version and recomputing the digest. It loads with the same outputs and
    /// no code ranges.
    /// </summary>
    [Fact]
    public void Load_ModelInIntegrityFormatWithoutCodeRanges_GivesBitIdenticalOutputsAndNoRanges()
    {
        var ml = new MLContext(seed: 1);
        var data = FuzzModels.Data(ml);
        byte[] zip = SaveDense(ml);
        byte[] older = ModelEntryBytes.RewriteAutoencoderEntry(zip, entry =>
        {
            byte[] block = ModelEntryBytes.ModelBlock(entry);
            int kept = block.Length - ModelEntryBytes.CodeRangesSize(FuzzModels.LatentDimension) - ModelEntryBytes.DigestSize;
            var result = ModelEntryBytes.ReplaceModelBlock(entry, block[..kept].Concat(new byte[ModelEntryBytes.DigestSize]).ToArray());
            BitConverter.TryWriteBytes(result.AsSpan(ModelEntryBytes.ModelVerWritten), 0x00010003u);
            BitConverter.TryWriteBytes(result.AsSpan(ModelEntryBytes.ModelVerReadable), 0x00010003u);
            ModelEntryBytes.Reseal(result);
            return result;
        });

        using var expected = (AutoencoderTransformer)Load(ml, zip);
        using var loaded = (AutoencoderTransformer)Load(ml, older);

        Assert.True(expected.HasCodeRanges);
        Assert.False(loaded.HasCodeRanges);
        foreach (string column in new[] { "Latent", "Reconstruction" })
            Assert.Equal(Bits(expected.Transform(data).GetColumn<float[]>(column).SelectMany(v => v)), Bits(loaded.Transform(data).GetColumn<float[]>(column).SelectMany(v => v)));
    }

    /// <summary>
    /// A damaged version field cannot switch the check off: the written version lowered to 0x00010002 (below the
    /// readable one) is refused by ML.NET's header check; both lowered, the newer fields and the digest are left over at the end and refused.
    /// </summary>
    [Theory]
    [InlineData(0x00010002u, 0x00010003u, "Corrupt file header")]
    [InlineData(0x00010002u, 0x00010002u, "65 bytes follow the training history")] // the scoring policy, the code ranges (29 bytes for 3 dimensions) and the digest
    public void Load_VersionLoweredToFormatWithoutDigest_ThrowsFormatException(uint written, uint readable, string expectedMessage)
    {
        var ml = new MLContext(seed: 1);
        byte[] lowered = ModelEntryBytes.RewriteAutoencoderEntry(SaveDense(ml), entry =>
        {
            BitConverter.TryWriteBytes(entry.AsSpan(ModelEntryBytes.ModelVerWritten), written);
            BitConverter.TryWriteBytes(entry.AsSpan(ModelEntryBytes.ModelVerReadable), readable);
            return entry;
        });

        var exception = Assert.ThrowsAny<Exception>(() => Load(ml, lowered));

        var (refused, _, message) = ModelCorruptionFuzz.Classify(exception);
        Assert.True(refused, message);
        Assert.Contains(expectedMessage, message, StringComparison.Ordinal);
    }

    /// <summary>
    /// 320 seeded trials (byte flips and truncations of the whole zip and of the autoencoder's entry, in turn, on a
    /// dense and a variational model): each one loads a model identical to the undamaged one or is refused with a
    /// <see cref="FormatException"/> or <see cref="InvalidDataException"/>, apart from the parts of the file ML.NET
    /// reads by itself (its Schema entry, the loader-assembly name), which are counted apart; no silently different
    /// model, no other exception, no tensor left by a refused load. The probes' <c>fuzz</c> command runs thousands.
    /// </summary>
    [Fact]
    public void Load_SeededFlipsAndTruncations_LoadIdenticalOrThrowFormatException()
    {
        var results = new List<TrialResult>();
        var corruptions = Enum.GetValues<Corruption>();
        foreach (var (name, seed) in new[] { ("dense", 11), ("variational", 12) })
        {
            var ml = new MLContext(seed: 1);
            var fuzz = new ModelCorruptionFuzz(ml, FuzzModels.Save(ml, name), FuzzModels.Data(ml));
            var random = new Random(seed);
            for (int t = 0; t < 160; t++)
                results.Add(fuzz.Run(corruptions[t % corruptions.Length], random));
        }

        int Count(TrialOutcome outcome) => results.Count(r => r.Outcome == outcome);
        foreach (var outcome in Enum.GetValues<TrialOutcome>())
            _output.WriteLine($"{outcome}: {Count(outcome)}");
        Assert.Equal(320, results.Count);
        Assert.Empty(results.Where(r => r.Outcome is TrialOutcome.SilentlyDifferent or TrialOutcome.OtherException)
            .Select(r => $"{r.Outcome} after {r.Corruption} at {r.Position} (mask 0x{r.Mask:X2}): {r.Message}"));
        Assert.Empty(results.Where(r => r.TensorsLeft != 0).Select(r => $"{r.TensorsLeft} tensors left by {r.Outcome} after {r.Corruption} at {r.Position}"));
        // A file cut short can never be read back whole: every truncation is refused with the documented exception.
        Assert.All(results.Where(r => r.Corruption is Corruption.ZipTruncation or Corruption.EntryTruncation),
            r => Assert.True(r.Outcome == TrialOutcome.Refused, $"{r.Outcome} after {r.Corruption} at {r.Position}: {r.Message}"));
        Assert.Equal(160, results.Count(r => r.Corruption is Corruption.ZipTruncation or Corruption.EntryTruncation));
    }

    /// <summary>
    /// The bytes of a zip that do not matter (every entry's modification time and date, in its local header and in the
    /// central directory) changed one at a time: each damaged file loads a model identical to the undamaged one.
    /// </summary>
    [Fact]
    public void Load_ZipTimestampsChanged_LoadsIdenticalModel()
    {
        var ml = new MLContext(seed: 1);
        byte[] zip = SaveDense(ml);
        var fuzz = new ModelCorruptionFuzz(ml, zip, FuzzModels.Data(ml));
        var offsets = ZipTimestampOffsets(zip).ToList();
        Assert.True(offsets.Count >= 8, $"{offsets.Count} timestamp bytes");

        foreach (int offset in offsets)
        {
            var result = fuzz.Run(Corruption.ZipByteFlip, offset, 0x01);
            Assert.True(result.Outcome == TrialOutcome.LoadedIdentical, $"{result.Outcome} after flipping the timestamp byte at {offset}: {result.Message}");
        }
    }

    /// <summary>The offsets of the first byte of each modification time and date field of the zip's headers.</summary>
    private static IEnumerable<int> ZipTimestampOffsets(byte[] zip)
    {
        int end = zip.Length - 22; // the end-of-central-directory record, without a comment
        Assert.Equal(0x06054b50u, BitConverter.ToUInt32(zip, end));
        int entries = BitConverter.ToUInt16(zip, end + 10);
        int central = checked((int)BitConverter.ToUInt32(zip, end + 16));
        for (int i = 0; i < entries; i++)
        {
            Assert.Equal(0x02014b50u, BitConverter.ToUInt32(zip, central));
            yield return central + 12;
            yield return central + 14;
            int local = checked((int)BitConverter.ToUInt32(zip, central + 42));
            Assert.Equal(0x04034b50u, BitConverter.ToUInt32(zip, local));
            yield return local + 10;
            yield return local + 12;
            central += 46 + BitConverter.ToUInt16(zip, central + 28) + BitConverter.ToUInt16(zip, central + 30) + BitConverter.ToUInt16(zip, central + 32);
        }
    }

    private static IEnumerable<int> Bits(IEnumerable<float> values) => values.Select(BitConverter.SingleToInt32Bits);
}
