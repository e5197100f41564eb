using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Autoencoder.Tests.Native;
using Microsoft.ML.Data;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;

/// <summary>
/// Damaged model files: a newer format version, a truncated zip or entry, and values of the model block that break its
/// rules behind a valid digest are refused with a <see cref="FormatException"/>-family error that says what is wrong.
/// </summary>
public sealed class AutoencoderModelDamageTests
{
    private const int Size = AutoencoderModelPersistenceTests.Size;

    private static AutoencoderEstimator.Options Options() => AutoencoderModelPersistenceTests.Options();

    private static IDataView Data(MLContext ml) => AutoencoderModelPersistenceTests.Data(ml);

    private static byte[] SaveToBytes(MLContext ml, ITransformer model, DataViewSchema schema) => AutoencoderModelPersistenceTests.SaveToBytes(ml, model, schema);

    private static ITransformer LoadFromBytes(MLContext ml, byte[] bytes) => AutoencoderModelPersistenceTests.LoadFromBytes(ml, bytes);

    [Fact]
    public void Load_EntryFromNewerFormatVersion_ThrowsNamingNewerVersion()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.NormalizeMinMax("Features").Append(ml.Transforms.Autoencoder(Options())).Fit(data);
        byte[] newer = ModelEntryBytes.RewriteAutoencoderEntry(SaveToBytes(ml, original, data.Schema), entry =>
        {
            // ModelVerWritten (0x48) and ModelVerReadable (0x4C): a future format that this version cannot read.
            BitConverter.TryWriteBytes(entry.AsSpan(0x48), 0x00020001u);
            BitConverter.TryWriteBytes(entry.AsSpan(0x4C), 0x00020001u);
            return entry;
        });

        var exception = Assert.ThrowsAny<Exception>(() => LoadFromBytes(ml, newer));

        var cause = Assert.Single(AutoencoderModelPersistenceTests.Chain(exception), e => e.Message.Contains("newer version of Microsoft.ML.Autoencoder", StringComparison.Ordinal));
        Assert.IsType<FormatException>(cause);
        Assert.Contains("0x00020001", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsNamingZip()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.Autoencoder(Options()).Fit(data);
        byte[] bytes = SaveToBytes(ml, original, data.Schema);

        var exception = Assert.Throws<FormatException>(() => LoadFromBytes(ml, bytes[..(bytes.Length / 2)]));

        Assert.Contains("zip", exception.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(exception.InnerException);
    }

    /// <summary>A valid zip whose autoencoder entry lost its second half: ML.NET's header check refuses it before our loader runs.</summary>
    [Fact]
    public void Load_TruncatedAutoencoderEntry_ThrowsFormatException()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.Autoencoder(Options()).Fit(data);
        byte[] truncated = ModelEntryBytes.RewriteAutoencoderEntry(SaveToBytes(ml, original, data.Schema), entry => entry[..(entry.Length / 2)]);
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Throws<FormatException>(() => LoadFromBytes(ml, truncated));

        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    /// <summary>
    /// A crafted file: a consistent header (ML.NET's checks pass) and a model block with one value changed and its digest
    /// recomputed, so the integrity check passes and the structural checks must refuse it. The model block starts right
    /// after the 256-byte header: input size (0x100), latent dimension, four string ids, output activation, loss (0x11C),
    /// variational flag (one byte), log-variance column's string id, architecture length (0x125). The input size case
    /// fails while setting the weights, after the network was built, which the loader must then free: no half-loaded
    /// model, no leaked tensors.
    /// </summary>
    [Theory]
    [InlineData(0x100, Size + 1, "Weight tensor '_encoder.linear0.weight' has shape [16, 20], but the architecture needs [16, 21]")]
    [InlineData(0x104, Size, "The latent dimension 20 must be smaller than the size of input column 'Features' (20)")]
    [InlineData(0x11C, 9, "Unknown loss 9")]
    [InlineData(0x125, 1_000_000, "The model block ends before the architecture description (1000000 bytes needed")]
    public void Load_CorruptModelBlockWithValidDigest_ThrowsNamingProblemAndFreesTensors(int offset, int value, string expectedMessage)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.Autoencoder(Options()).Fit(data);
        byte[] corrupt = ModelEntryBytes.RewriteAutoencoderEntry(SaveToBytes(ml, original, data.Schema), entry =>
        {
            Assert.Equal(Size, BitConverter.ToInt32(entry, 0x100));
            BitConverter.TryWriteBytes(entry.AsSpan(offset), value);
            ModelEntryBytes.Reseal(entry);
            return entry;
        });
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var exception = Assert.ThrowsAny<Exception>(() => LoadFromBytes(ml, corrupt));

        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var cause = Assert.Single(AutoencoderModelPersistenceTests.Chain(exception), e => e is FormatException && e.Message.StartsWith("Cannot load the autoencoder model", StringComparison.Ordinal));
        Assert.Contains(expectedMessage, cause.Message, StringComparison.Ordinal);
    }
}
