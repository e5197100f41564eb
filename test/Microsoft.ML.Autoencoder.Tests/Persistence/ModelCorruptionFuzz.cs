using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;


/// <summary>
/// Seeded corruption of a saved model: byte flips and truncations of the whole zip and of the autoencoder's own entry,
/// each loaded with <c>mlContext.Model.Load</c> and judged against the undamaged model's fingerprint (every output
/// column's bits, the input schema, the autoencoder's properties and training history). Shared by
/// <c>AutoencoderModelCorruptionTests</c> (a few hundred trials in the suite) and the probes' <c>fuzz</c> command
/// (thousands); it uses the library's public API only.
/// </summary>
internal sealed class ModelCorruptionFuzz
{
    private readonly MLContext _ml;
    private readonly IDataView _data;
    private readonly byte[] _zip;
    private readonly (string Name, byte[] Bytes)[] _entries;
    private readonly int _autoencoderEntry;
    private readonly (string Model, string InputSchema) _fingerprint;

    /// <param name="ml">The context models are loaded with.</param>
    /// <param name="zip">The undamaged model, as written by <c>mlContext.Model.Save</c>.</param>
    /// <param name="data">Rows the fingerprint transforms (they must fit the model's input schema).</param>
    public ModelCorruptionFuzz(MLContext ml, byte[] zip, IDataView data)
    {
        _ml = ml;
        _zip = zip;
        _data = data;
        _entries = ReadEntries(zip);
        _autoencoderEntry = Array.FindIndex(_entries, e => e.Name.EndsWith("Model.key", StringComparison.Ordinal)
            && e.Bytes.Length >= 0x48 && BitConverter.ToUInt64(e.Bytes, 0x40) == ModelEntryBytes.ModelSignature);
        if (_autoencoderEntry < 0)
            throw new ArgumentException("The zip has no autoencoder entry.", nameof(zip));
        if (Array.FindLastIndex(_entries, e => e.Bytes.Length >= 0x48 && BitConverter.ToUInt64(e.Bytes, 0x40) == ModelEntryBytes.ModelSignature) != _autoencoderEntry)
            throw new ArgumentException("The zip has more than one autoencoder entry.", nameof(zip));
        _fingerprint = LoadAndFingerprint(zip);
    }

    /// <summary>The length of the undamaged zip file.</summary>
    public int ZipLength => _zip.Length;

    /// <summary>The length of the undamaged autoencoder entry (decompressed).</summary>
    public int EntryLength => _entries[_autoencoderEntry].Bytes.Length;

    /// <summary>Damages the model as <paramref name="corruption"/> says, at a position (and with a mask) drawn from <paramref name="random"/>, and loads it.</summary>
    public TrialResult Run(Corruption corruption, Random random)
    {
        int length = corruption is Corruption.ZipByteFlip or Corruption.ZipTruncation ? ZipLength : EntryLength;
        int position = random.Next(length);
        int mask = corruption is Corruption.ZipByteFlip or Corruption.EntryByteFlip ? random.Next(1, 256) : 0;
        return Run(corruption, position, mask);
    }

    /// <summary>
    /// Damages the model as <paramref name="corruption"/> says: XORs the byte at <paramref name="position"/> (of the zip
    /// or of the entry) with <paramref name="mask"/>, or cuts the zip or the entry to <paramref name="position"/> bytes;
    /// then loads it and judges the outcome.
    /// </summary>
    public TrialResult Run(Corruption corruption, int position, int mask)
    {
        long liveBefore = global::TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var result = RunTrial(corruption, position, mask);
        return result with { TensorsLeft = global::TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount - liveBefore };
    }

    private TrialResult RunTrial(Corruption corruption, int position, int mask)
    {
        byte[] damaged;
        switch (corruption)
        {
            case Corruption.ZipByteFlip:
                damaged = (byte[])_zip.Clone();
                damaged[position] ^= (byte)mask;
                break;
            case Corruption.EntryByteFlip:
                var entry = (byte[])_entries[_autoencoderEntry].Bytes.Clone();
                entry[position] ^= (byte)mask;
                damaged = WriteEntries(entry);
                break;
            case Corruption.ZipTruncation:
                damaged = _zip[..position];
                break;
            case Corruption.EntryTruncation:
                damaged = WriteEntries(_entries[_autoencoderEntry].Bytes[..position]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption), corruption, "Unknown corruption.");
        }

        ITransformer loaded;
        DataViewSchema? inputSchema;
        try
        {
            loaded = Load(damaged, out inputSchema);
        }
        catch (Exception exception)
        {
            var (refused, kind, message) = Classify(exception);
            var outcome = refused ? TrialOutcome.Refused : ThrownByMLNetReadingItsOwnPart(exception) ? TrialOutcome.RefusedByMLNetOtherwise : TrialOutcome.OtherException;
            return new TrialResult(corruption, position, mask, outcome, kind, message, exception);
        }

        try
        {
            var (model, schema) = Fingerprint(loaded, inputSchema);
            if (model != _fingerprint.Model)
                return new TrialResult(corruption, position, mask, TrialOutcome.SilentlyDifferent, "silently different", FirstDifference(_fingerprint.Model, model));
            return schema == _fingerprint.InputSchema
                ? new TrialResult(corruption, position, mask, TrialOutcome.LoadedIdentical, "loaded identical", null)
                : new TrialResult(corruption, position, mask, TrialOutcome.LoadedIdenticalOtherInputSchema, "loaded identical, other input schema", FirstDifference(_fingerprint.InputSchema, schema));
        }
        catch (Exception exception)
        {
            // Loaded, but using the model failed: never a refusal, whatever the exception.
            var (_, kind, message) = Classify(exception);
            return new TrialResult(corruption, position, mask, TrialOutcome.OtherException, $"loaded, then threw when used: {kind}", message, exception);
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> was thrown by ML.NET, with no frame of the library on the stack, while it read
    /// its <c>Schema</c> entry (<c>BinaryLoader</c>) or loaded the assembly the entry's header names.
    /// </summary>
    private static bool ThrownByMLNetReadingItsOwnPart(Exception exception)
    {
        var library = typeof(AutoencoderTransformer).Assembly;
        var methods = new System.Diagnostics.StackTrace(exception).GetFrames().Select(f => f.GetMethod()).ToList();
        if (exception.InnerException is not null || methods.Any(m => m?.DeclaringType?.Assembly == library))
            return false;
        return methods.Any(m => m?.DeclaringType?.FullName == "Microsoft.ML.Data.IO.BinaryLoader" && m.IsConstructor)
            || methods.Any(m => m?.DeclaringType?.FullName == "Microsoft.ML.ModelLoadContext" && m.Name == "EnsureLoaderAssemblyIsRegistered");
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is the refusal the library documents for a damaged model file: a
    /// <see cref="FormatException"/> or <see cref="InvalidDataException"/> with a message, either thrown as it is or
    /// inside ML.NET's wrappers (ML.NET calls loaders by reflection and wraps what they throw in an
    /// <see cref="InvalidOperationException"/> "Error during class instantiation", holding a
    /// <see cref="TargetInvocationException"/>). <c>Kind</c> names the cause's type and the start of its message
    /// without numbers, to group trials.
    /// </summary>
    public static (bool Refused, string Kind, string Message) Classify(Exception exception)
    {
        var cause = Unwrap(exception);
        bool refused = cause is FormatException or InvalidDataException && !string.IsNullOrWhiteSpace(cause.Message);
        string message = cause.Message.ReplaceLineEndings(" ");
        string wrappers = cause == exception ? "" : $"{exception.GetType().Name} > ";
        return (refused, $"{cause.GetType().Name}: {Summary(message)}", $"{wrappers}{cause.GetType().Name}: {message}");
    }

    /// <summary>The exception inside ML.NET's wrappers (see <see cref="Classify"/>), or <paramref name="exception"/> itself.</summary>
    public static Exception Unwrap(Exception exception)
    {
        Exception cause = exception;
        while (IsWrapper(cause) && cause.InnerException is not null)
            cause = cause.InnerException;
        return cause;
    }

    private static bool IsWrapper(Exception exception)
        => exception is TargetInvocationException
        || (exception is InvalidOperationException && exception.Message.StartsWith("Error during class instantiation", StringComparison.Ordinal));

    /// <summary>The start of a message with its numbers and quoted names replaced, so that trials group by cause.</summary>
    private static string Summary(string message)
    {
        string summary = Regex.Replace(message, @"(?<!\w)'[^']*'(?!\w)", "'…'");
        summary = Regex.Replace(summary, @"\b(0x)?[0-9][0-9A-Fa-f.,]*", "#");
        return summary.Length <= 100 ? summary : summary[..100] + "…";
    }

    private ITransformer Load(byte[] zip, out DataViewSchema? inputSchema)
    {
        using var stream = new MemoryStream(zip, writable: false);
        return _ml.Model.Load(stream, out inputSchema);
    }

    /// <summary>Loads <paramref name="zip"/>, fingerprints the model and the input schema, and disposes the model.</summary>
    private (string Model, string InputSchema) LoadAndFingerprint(byte[] zip)
    {
        var model = Load(zip, out var inputSchema);
        try
        {
            return Fingerprint(model, inputSchema);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    /// <summary>The fingerprints of a loaded model (<see cref="Fingerprint(ITransformer)"/>) and of the input schema loaded with it.</summary>
    private (string Model, string InputSchema) Fingerprint(ITransformer model, DataViewSchema? inputSchema)
    {
        // ML.NET returns no input schema when it finds no Schema entry (for example when its name is damaged).
        var schema = new StringBuilder(inputSchema is null ? "(no input schema)" : "");
        foreach (var column in inputSchema ?? Enumerable.Empty<DataViewSchema.Column>())
            schema.Append(column.Name).Append(':').Append(column.Type?.ToString() ?? "(no type)").Append(column.IsHidden ? " hidden" : "").AppendLine();
        return (Fingerprint(model), schema.ToString());
    }

    /// <summary>
    /// Everything a user can observe of a loaded model: every column of its output on the fuzz's rows (as bits), and the
    /// autoencoder's public properties, training history, decoder outputs and (for a variational model) samples.
    /// </summary>
    private string Fingerprint(ITransformer model)
    {
        var text = new StringBuilder();
        var output = model.Transform(_data);
        foreach (var column in output.Schema)
        {
            text.Append(column.Name).Append(':').Append(column.Type).Append('=');
            if (column.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single)
                text.AppendLine(Hex(output.GetColumn<float[]>(column).SelectMany(v => v)));
            else if (column.Type == NumberDataViewType.Single)
                text.AppendLine(Hex(output.GetColumn<float>(column)));
            else
                text.AppendLine("(not compared)");
        }

        var autoencoder = model as AutoencoderTransformer ?? (model as IEnumerable<ITransformer>)?.OfType<AutoencoderTransformer>().Single()
            ?? throw new InvalidOperationException($"The loaded model ({model.GetType().Name}) has no autoencoder.");
        text.Append(CultureInfo.InvariantCulture, $"sizes {autoencoder.InputSize} {autoencoder.LatentDimension} {autoencoder.IsVariational} {autoencoder.Loss}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"columns {autoencoder.InputColumnName} {autoencoder.LatentColumnName} {autoencoder.LogVarianceColumnName} {autoencoder.ReconstructionColumnName} {autoencoder.ReconstructionErrorColumnName}").AppendLine();
        foreach (var e in autoencoder.TrainingHistory)
            text.Append(CultureInfo.InvariantCulture, $"epoch {e.Epoch} {Hex(e.TrainingLoss)} {Hex(e.ValidationLoss)} {Hex(e.LearningRate)} {Hex(e.Seconds)} {Hex(e.RegularizationLoss)} {Hex(e.KullbackLeiblerDivergence)}").AppendLine();
        var codes = Enumerable.Range(0, 4 * autoencoder.LatentDimension).Select(i => (float)Math.Sin(i)).ToArray();
        text.Append("decode=").AppendLine(Hex(autoencoder.Decode(codes)));
        if (autoencoder.IsVariational)
            text.Append("sample=").AppendLine(Hex(autoencoder.Sample(4, seed: 3)));
        return text.ToString();
    }

    /// <summary>The first line in which two fingerprints differ, both versions shortened.</summary>
    private static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n'), actualLines = actual.Split('\n');
        int line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
        static string Shorten(string[] lines, int i) => i < lines.Length ? (lines[i].Length <= 120 ? lines[i] : lines[i][..120] + "…") : "(no line)";
        return $"line {line}: expected '{Shorten(expectedLines, line)}', got '{Shorten(actualLines, line)}'";
    }

    private static string Hex(double? value) => value is double given ? BitConverter.DoubleToInt64Bits(given).ToString("X16", CultureInfo.InvariantCulture) : "-";

    private static string Hex(IEnumerable<float> values)
        => string.Join(",", values.Select(v => BitConverter.SingleToInt32Bits(v).ToString("X8", CultureInfo.InvariantCulture)));

    private static (string Name, byte[] Bytes)[] ReadEntries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var entryStream = e.Open();
            using var copy = new MemoryStream();
            entryStream.CopyTo(copy);
            return (e.FullName, copy.ToArray());
        }).ToArray();
    }

    /// <summary>A zip of the undamaged entries with the autoencoder's entry replaced by <paramref name="autoencoderEntry"/>.</summary>
    private byte[] WriteEntries(byte[] autoencoderEntry)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                using var entryStream = archive.CreateEntry(_entries[i].Name).Open();
                entryStream.Write(i == _autoencoderEntry ? autoencoderEntry : _entries[i].Bytes);
            }
        }
        return stream.ToArray();
    }
}
