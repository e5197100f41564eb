using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;

/// <summary>
/// The child side of <see cref="AutoencoderModelPersistenceTests.Load_InFreshProcess_GivesBitIdenticalOutputs"/>:
/// run by <see cref="StartupHook"/> in a fresh <c>dotnet exec</c> of the test assembly, it loads a saved model with
/// nothing but <c>mlContext.Model.Load</c> and prints <see cref="Fingerprint"/> of its outputs.
/// </summary>
internal static class PersistenceChildProcess
{
    /// <summary>The path of the model to load; setting it makes <see cref="StartupHook"/> call <see cref="Run"/>.</summary>
    internal const string ModelPathVariable = "AUTOENCODER_PERSISTENCE_TESTS_CHILD_MODEL";

    /// <summary>Prefix of the line that says whether the library was loaded before <c>Model.Load</c>.</summary>
    internal const string LoadedBeforePrefix = "library-loaded-before-load=";

    internal const string LibraryName = "Microsoft.ML.Autoencoder";

    /// <summary>The input size of the model the test saves.</summary>
    internal const int Size = 20;

    /// <summary>
    /// Loads the model and prints whether the library had been loaded before (it must not have been: ML.NET finds it
    /// from the model itself) and the model's fingerprint. This method must not mention a library type, or the JIT
    /// would load the library while compiling it.
    /// </summary>
    public static void Run(string modelPath)
    {
        bool loadedBefore = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == LibraryName);
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(modelPath, out _);
        Console.Out.WriteLine(LoadedBeforePrefix + loadedBefore.ToString(CultureInfo.InvariantCulture));
        Console.Out.Write(Fingerprint(ml, model));
        (model as IDisposable)?.Dispose();
    }

    /// <summary>The rows the fingerprint is computed on (seeded, so parent and child compute the same).</summary>
    internal static IDataView Data(MLContext ml) => SyntheticData.ToDataView(ml, SyntheticData.LowRankRows(300, Size, 3, seed: 31), Size);

    /// <summary>
    /// Every output of a NormalizeMinMax -> Autoencoder pipeline on <see cref="Data"/>, as the hexadecimal bits of each
    /// float: the latent, reconstruction and error columns of <c>Transform</c>, then the last transformer's Encode and
    /// Decode of the first rows. Equal fingerprints mean bit-identical outputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static string Fingerprint(MLContext ml, ITransformer model)
    {
        var output = model.Transform(Data(ml));
        var text = new StringBuilder();
        foreach (string column in new[] { "Latent", "Reconstruction" })
            text.Append(column).Append('=').AppendLine(Hex(output.GetColumn<float[]>(column).SelectMany(v => v)));
        text.Append("Error=").AppendLine(Hex(output.GetColumn<float>("Error")));

        var autoencoder = (AutoencoderTransformer)((IEnumerable<ITransformer>)model).Last();
        var rows = SyntheticData.Flatten(SyntheticData.LowRankRows(5, Size, 3, seed: 32));
        var latent = autoencoder.Encode(rows);
        text.Append("Encode=").AppendLine(Hex(latent));
        text.Append("Decode=").AppendLine(Hex(autoencoder.Decode(latent)));
        text.Append("History=").AppendLine(string.Join(";", autoencoder.TrainingHistory.Select(e =>
            $"{e.Epoch}:{Hex(e.TrainingLoss)}:{(e.ValidationLoss is double v ? Hex(v) : "-")}:{Hex(e.LearningRate)}:{Hex(e.Seconds)}")));
        return text.ToString();
    }

    private static string Hex(double value) => BitConverter.DoubleToInt64Bits(value).ToString("X16", CultureInfo.InvariantCulture);

    private static string Hex(IEnumerable<float> values)
        => string.Join(",", values.Select(v => BitConverter.SingleToInt32Bits(v).ToString("X8", CultureInfo.InvariantCulture)));
}
