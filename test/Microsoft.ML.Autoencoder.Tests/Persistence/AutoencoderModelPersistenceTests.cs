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
/// <c>mlContext.Model.Save</c> / <c>Load</c> of autoencoders: bit-identical outputs in this process and in a fresh one,
/// the same schema and history, and clear errors for files from a newer version or corrupt ones.
/// </summary>
public sealed class AutoencoderModelPersistenceTests
{
    internal const int Size = PersistenceChildProcess.Size;

    /// <summary>
    /// Every output, a two-layer encoder and a one-layer decoder (so mirroring is not what restores the shape), batch
    /// normalization (running statistics are buffers, not parameters) and dropout (which must be off at inference).
    /// </summary>
    internal static AutoencoderEstimator.Options Options(ReconstructionLoss loss = ReconstructionLoss.MeanSquaredError) => new AutoencoderEstimator.Options
    {
        LatentDimension = 3,
        LatentColumnName = "Latent",
        ReconstructionColumnName = "Reconstruction",
        ReconstructionErrorColumnName = "Error",
        Architecture = new DenseArchitecture
        {
            HiddenSizes = new[] { 16, 8 },
            DecoderHiddenSizes = new[] { 12 },
            Activation = ActivationFunction.Tanh,
            BatchNormalization = true,
            Dropout = 0.2f,
        },
        Loss = loss,
        MaximumNumberOfEpochs = 3,
        BatchSize = 32,
        LearningRate = 1e-2f,
        ValidationFraction = 0.2f,
        Seed = 1,
    };

    internal static IDataView Data(MLContext ml) => SyntheticData.LowRank(ml, rows: 200, size: Size);

    internal static byte[] SaveToBytes(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        return stream.ToArray();
    }

    internal static ITransformer LoadFromBytes(MLContext ml, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return ml.Model.Load(stream, out _);
    }

    private static (float[] Latent, float[] Reconstruction, float[] Error) Outputs(ITransformer model, IDataView data)
    {
        var output = model.Transform(data);
        return (output.GetColumn<float[]>("Latent").SelectMany(v => v).ToArray(),
                output.GetColumn<float[]>("Reconstruction").SelectMany(v => v).ToArray(),
                output.GetColumn<float>("Error").ToArray());
    }

    /// <summary>Exact equality of the bits (<see cref="Assert.Equal{T}(IEnumerable{T}, IEnumerable{T})"/> on floats would accept -0 for 0).</summary>
    private static void AssertBitIdentical(float[] expected, float[] actual)
        => Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));

    private static AutoencoderTransformer LastAutoencoder(ITransformer model)
        => Assert.IsType<AutoencoderTransformer>(((IEnumerable<ITransformer>)model).Last());

    [Theory]
    [InlineData(ReconstructionLoss.MeanSquaredError)]
    [InlineData(ReconstructionLoss.BinaryCrossEntropy)]
    [InlineData(ReconstructionLoss.L1)]
    public void Load_SavedDenseModelWithBatchNormAndDropout_GivesBitIdenticalOutputs(ReconstructionLoss loss)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.Autoencoder(Options(loss)).Fit(data);

        using var loaded = Assert.IsType<AutoencoderTransformer>(LoadFromBytes(ml, SaveToBytes(ml, original, data.Schema)));

        Assert.Equal(
            (original.InputSize, original.LatentDimension, original.InputColumnName, original.LatentColumnName, original.ReconstructionColumnName, original.ReconstructionErrorColumnName, original.Loss),
            (loaded.InputSize, loaded.LatentDimension, loaded.InputColumnName, loaded.LatentColumnName, loaded.ReconstructionColumnName, loaded.ReconstructionErrorColumnName, loaded.Loss));
        var (latent, reconstruction, error) = Outputs(original, data);
        var (loadedLatent, loadedReconstruction, loadedError) = Outputs(loaded, data);
        AssertBitIdentical(latent, loadedLatent);
        AssertBitIdentical(reconstruction, loadedReconstruction);
        AssertBitIdentical(error, loadedError);
        var rows = SyntheticData.Flatten(SyntheticData.LowRankRows(40, Size, 3, seed: 5));
        var codes = original.Encode(rows);
        AssertBitIdentical(codes, loaded.Encode(rows));
        AssertBitIdentical(original.Decode(codes), loaded.Decode(codes));
        AssertBitIdentical(original.Reconstruct(rows), loaded.Reconstruct(rows));
        AssertBitIdentical(original.GetReconstructionErrors(rows), loaded.GetReconstructionErrors(rows));
    }

    /// <summary>
    /// A trained variational model (its encoder ends in mean and log-variance) is rebuilt as one: the same means,
    /// log-variances, samples from the prior, and the KL divergence and regularization of every epoch.
    /// </summary>
    [Fact]
    public void Load_SavedVariationalModel_GivesBitIdenticalOutputsSamplesAndHistory()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var options = Options();
        options.LogVarianceColumnName = "LogVariance";
        options.Variational = new VariationalOptions { Beta = 0.5f, KullbackLeiblerWarmupEpochs = 1 };
        options.Sparsity = new SparsityOptions();
        using var original = ml.Transforms.Autoencoder(options).Fit(data);

        using var loaded = Assert.IsType<AutoencoderTransformer>(LoadFromBytes(ml, SaveToBytes(ml, original, data.Schema)));

        Assert.True(loaded.IsVariational);
        Assert.Equal("LogVariance", loaded.LogVarianceColumnName);
        var (latent, reconstruction, error) = Outputs(original, data);
        var (loadedLatent, loadedReconstruction, loadedError) = Outputs(loaded, data);
        Assert.Equal(200 * 3, loadedLatent.Length);
        AssertBitIdentical(latent, loadedLatent);
        AssertBitIdentical(reconstruction, loadedReconstruction);
        AssertBitIdentical(error, loadedError);
        float[] LogVariances(ITransformer model) => model.Transform(data).GetColumn<float[]>("LogVariance").SelectMany(v => v).ToArray();
        AssertBitIdentical(LogVariances(original), LogVariances(loaded));
        AssertBitIdentical(original.Sample(50, seed: 3), loaded.Sample(50, seed: 3));
        Assert.All(loaded.TrainingHistory, e => Assert.NotNull(e.KullbackLeiblerDivergence));
        Assert.Equal(
            original.TrainingHistory.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate, e.Seconds, e.RegularizationLoss, e.KullbackLeiblerDivergence)),
            loaded.TrainingHistory.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate, e.Seconds, e.RegularizationLoss, e.KullbackLeiblerDivergence)));
    }

    /// <summary>
    /// A model saved in the initial format (0x00010001, before the variants), made with the library at that version:
    /// a dense autoencoder (20 -> 4 -> 2, latent and error columns, 2 epochs). The expected values were printed by that
    /// version too (float and double bits, on an AMD Zen 4 CPU), for the rows <c>SyntheticData.LowRankRows(3, 20, 3, seed: 5)</c>.
    /// </summary>
    [Fact]
    public void Load_ModelSavedInInitialFormat_GivesTheOutputsOfThatVersion()
    {
        var ml = new MLContext(seed: 1);
        using var stream = typeof(AutoencoderModelPersistenceTests).Assembly.GetManifestResourceStream("autoencoder-format-0x00010001.zip")!;
        using var loaded = Assert.IsType<AutoencoderTransformer>(ml.Model.Load(stream, out _));
        var rows = SyntheticData.Flatten(SyntheticData.LowRankRows(3, Size, 3, seed: 5));
        static float[] Floats(string bits) => bits.Split(' ').Select(b => BitConverter.Int32BitsToSingle(Convert.ToInt32(b, 16))).ToArray();

        Assert.False(loaded.IsVariational);
        Assert.Null(loaded.LogVarianceColumnName);
        // Forward outputs were recorded on an AMD Zen 4 machine: other CPUs' kernels change their last bits, so they
        // are compared within a tolerance. The history is read back from the file, so it is exact.
        NumericAssert.Close(Floats("BCBED268 3E489B45 3DCEF594 3E010AD5 BE30F551 3E6FB47E"), loaded.Encode(rows));
        NumericAssert.Close(Floats("3D4E97CA 3D8C2B37 3E32578C"), loaded.GetReconstructionErrors(rows));
        Assert.Equal(
            new[] { 0x3FC00DA1CCCCCCCDL, 0x3FBFCD6F9999999AL }.Select(BitConverter.Int64BitsToDouble),
            loaded.TrainingHistory.Select(e => e.TrainingLoss));
        Assert.All(loaded.TrainingHistory, e => Assert.Null(e.KullbackLeiblerDivergence));
        Assert.All(loaded.TrainingHistory, e => Assert.Null(e.RegularizationLoss));
    }

    [Fact]
    public void Load_PipelineSavedToFile_GivesBitIdenticalOutputsAndSchema()
    {
        string path = Path.Combine(Path.GetTempPath(), $"autoencoder-{Guid.NewGuid():N}.zip");
        try
        {
            AssertPipelineRoundTrip((ml, model, schema) =>
            {
                ml.Model.Save(model, schema, path);
                return ml.Model.Load(path, out _);
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_PipelineSavedToStream_GivesBitIdenticalOutputsAndSchema()
        => AssertPipelineRoundTrip((ml, model, schema) => LoadFromBytes(ml, SaveToBytes(ml, model, schema)));

    private static void AssertPipelineRoundTrip(Func<MLContext, ITransformer, DataViewSchema, ITransformer> saveAndLoad)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.NormalizeMinMax("Features").Append(ml.Transforms.Autoencoder(Options())).Fit(data);

        var loaded = saveAndLoad(ml, original, data.Schema);
        try
        {
            var (latent, reconstruction, error) = Outputs(original, data);
            var (loadedLatent, loadedReconstruction, loadedError) = Outputs(loaded, data);
            AssertBitIdentical(latent, loadedLatent);
            AssertBitIdentical(reconstruction, loadedReconstruction);
            AssertBitIdentical(error, loadedError);

            var expected = original.GetOutputSchema(data.Schema);
            var actual = loaded.GetOutputSchema(data.Schema);
            Assert.Equal(expected.Select(c => (c.Name, c.Type, c.IsHidden)), actual.Select(c => (c.Name, c.Type, c.IsHidden)));
            Assert.Equal(Shape(expected), Shape(actual));
            Assert.Equal(3, ((VectorDataViewType)actual["Latent"].Type).Size);
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    /// <summary>The schema as estimators see it: per column its name, kind, item type, key-ness and annotation names.</summary>
    private static IEnumerable<string> Shape(DataViewSchema schema)
        => MLNetInternals.CreateShape(schema).Select(c => $"{c.Name}:{c.Kind}:{c.ItemType}:{c.IsKey}:{string.Join("+", c.Annotations.Select(a => a.Name))}");

    /// <summary>
    /// The model is saved here and loaded in a fresh <c>dotnet exec</c> of the test assembly that never mentions the
    /// library before <c>Model.Load</c> (see <see cref="PersistenceChildProcess"/>): ML.NET must find the loader from
    /// the file, and the child's outputs must be the original's, bit for bit.
    /// </summary>
    [Fact]
    public async Task Load_InFreshProcess_GivesBitIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var data = PersistenceChildProcess.Data(ml);
        using var original = ml.Transforms.NormalizeMinMax("Features").Append(ml.Transforms.Autoencoder(Options())).Fit(data);
        string expected = PersistenceChildProcess.Fingerprint(ml, original);
        string path = Path.Combine(Path.GetTempPath(), $"autoencoder-child-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(original, data.Schema, path);

            var (exitCode, output, error) = await TestAssemblyProcess.RunAsync(PersistenceChildProcess.ModelPathVariable, path);

            Assert.True(exitCode == 0, $"Child exited with {exitCode}.\nstdout:\n{output}\nstderr:\n{error}");
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(PersistenceChildProcess.LoadedBeforePrefix + "False", lines);
            Assert.Equal(expected.Split('\n', StringSplitOptions.RemoveEmptyEntries), lines.Where(l => !l.StartsWith(PersistenceChildProcess.LoadedBeforePrefix, StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_TrainingHistory_SurvivesExactly()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.Autoencoder(Options()).Fit(data);

        using var loaded = Assert.IsType<AutoencoderTransformer>(LoadFromBytes(ml, SaveToBytes(ml, original, data.Schema)));

        Assert.Equal(3, original.TrainingHistory.Count);
        Assert.All(original.TrainingHistory, e => Assert.NotNull(e.ValidationLoss));
        Assert.Equal(
            original.TrainingHistory.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate, e.Seconds, e.RegularizationLoss, e.KullbackLeiblerDivergence)),
            loaded.TrainingHistory.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.LearningRate, e.Seconds, e.RegularizationLoss, e.KullbackLeiblerDivergence)));
    }

    [Fact]
    public void Load_Model_LeavesTorchGlobalGeneratorUnchanged()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        using var original = ml.Transforms.Autoencoder(Options()).Fit(data);
        byte[] bytes = SaveToBytes(ml, original, data.Schema);

        // The generator is process-wide: hold the lock trainings take, so tests training in parallel cannot
        // draw from it in between (the loader takes the same lock; it is reentrant).
        lock (Microsoft.ML.Autoencoder.Architectures.AutoencoderNetwork.GlobalGeneratorLock)
        {
            torch.manual_seed(123);
            using var expected = torch.rand(8);
            torch.manual_seed(123);
            using var loaded = (AutoencoderTransformer)LoadFromBytes(ml, bytes);
            using var actual = torch.rand(8);

            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        }
    }

    [Fact]
    public void Save_DisposedTransformer_ThrowsObjectDisposed()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var model = ml.Transforms.Autoencoder(Options()).Fit(data);
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => SaveToBytes(ml, model, data.Schema));
    }

    internal static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            yield return e;
    }
}
