using System;

namespace Microsoft.ML.Autoencoder.Samples.Commands;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler at once, on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
