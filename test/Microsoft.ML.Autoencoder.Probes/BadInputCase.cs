using System;

namespace Microsoft.ML.Autoencoder.Probes;

/// <summary>
/// One row of the <c>bad-input</c> table: a bad input given to the library, and the error it must get.
/// </summary>
/// <param name="Area">What kind of input it is (for example "model file"); the table is grouped and filtered by it.</param>
/// <param name="Name">What is wrong with the input, in a few words.</param>
/// <param name="Expected">The exception type the library must throw (after ML.NET's wrappers, see <see cref="BadInputCommand"/>).</param>
/// <param name="MessageContains">A part of the message that says what is wrong.</param>
/// <param name="Run">Gives the input to the library; returns normally only if nothing was thrown (the case then fails).</param>
internal sealed record BadInputCase(string Area, string Name, Type Expected, string MessageContains, Action Run);
