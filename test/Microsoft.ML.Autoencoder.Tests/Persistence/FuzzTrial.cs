using System;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;

/// <summary>How one fuzz trial damages a saved model zip.</summary>
internal enum Corruption
{
    /// <summary>One byte anywhere in the zip file XORed with a random non-zero mask (zip metadata, compressed data, other entries).</summary>
    ZipByteFlip,

    /// <summary>One byte of the autoencoder's decompressed <c>Model.key</c> entry XORed with a random non-zero mask; the zip is rebuilt around it.</summary>
    EntryByteFlip,

    /// <summary>The zip file cut at a random length.</summary>
    ZipTruncation,

    /// <summary>The autoencoder's decompressed entry cut at a random length; the zip is rebuilt around it.</summary>
    EntryTruncation,
}

/// <summary>What loading a damaged model did.</summary>
internal enum TrialOutcome
{
    /// <summary><c>Model.Load</c> returned a model whose outputs, properties and history are those of the undamaged model, with the same input schema (the damaged byte did not matter).</summary>
    LoadedIdentical,

    /// <summary>
    /// <c>Model.Load</c> returned an identical model, but the input schema it returned differs: the damage is in ML.NET's
    /// own <c>Schema</c> entry, which ML.NET reads without any check of its own (outside the library's reach).
    /// </summary>
    LoadedIdenticalOtherInputSchema,

    /// <summary><c>Model.Load</c> threw the documented exception: a <see cref="FormatException"/> or <see cref="InvalidDataException"/> with a message, possibly inside ML.NET's wrappers.</summary>
    Refused,

    /// <summary>
    /// ML.NET threw another exception while reading a part of the file that it reads itself, apart from the autoencoder's
    /// loader: its <c>Schema</c> entry (<c>BinaryLoader</c>) or the loader-assembly name in the entry's header, which it
    /// passes to <c>Assembly.Load</c> before it calls the loader (outside the library's reach).
    /// </summary>
    RefusedByMLNetOtherwise,

    /// <summary><c>Model.Load</c> returned a model that differs from the undamaged one: the failure the integrity check exists to prevent.</summary>
    SilentlyDifferent,

    /// <summary><c>Model.Load</c> (or using the loaded model) threw any other exception.</summary>
    OtherException,
}

/// <summary>
/// One trial: the damage done and what loading it did. <see cref="Kind"/> groups refusals and other exceptions by cause;
/// <see cref="Exception"/> is what was thrown, if anything.
/// </summary>
internal sealed record TrialResult(Corruption Corruption, int Position, int Mask, TrialOutcome Outcome, string Kind, string? Message, Exception? Exception = null)
{
    /// <summary>Native tensors of this thread alive after the trial that were not before it (0 when loading freed what it built).</summary>
    public long TensorsLeft { get; init; }
}
