using System;
using System.IO;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;

/// <summary>
/// The small trained models the corruption fuzz damages (20 inputs, 200 seeded rows, a few epochs), one per kind of
/// network, each saved alone with <c>mlContext.Model.Save</c>. Shared by the tests and the probes' <c>fuzz</c> command.
/// </summary>
internal static class FuzzModels
{
    /// <summary>The input size of every fuzz model.</summary>
    public const int Size = 20;

    /// <summary>The latent dimension of every model <see cref="Save"/> trains.</summary>
    public const int LatentDimension = 3;

    /// <summary>The names <see cref="Save"/> accepts.</summary>
    public static readonly string[] Names = { "dense", "variational", "convolutional", "recurrent" };

    /// <summary>The rows the models are trained on and their outputs compared on.</summary>
    public static IDataView Data(MLContext ml) => SyntheticData.LowRank(ml, rows: 200, size: Size);

    /// <summary>
    /// Trains the model called <paramref name="name"/> on <see cref="Data"/> and returns the saved zip: "dense" (two
    /// encoder layers, one decoder layer, batch normalization and dropout, three output columns), "variational" (the
    /// same, variational, with a log-variance column and sparsity), "convolutional" (1 x 4 x 5 images) or
    /// "recurrent" (an LSTM over 4 steps of 5 features).
    /// </summary>
    public static byte[] Save(MLContext ml, string name)
    {
        var data = Data(ml);
        var options = new AutoencoderEstimator.Options
        {
            LatentDimension = LatentDimension,
            LatentColumnName = "Latent",
            ReconstructionColumnName = "Reconstruction",
            ReconstructionErrorColumnName = "Error",
            MaximumNumberOfEpochs = 3,
            BatchSize = 32,
            LearningRate = 1e-2f,
            ValidationFraction = 0.2f,
            Seed = 1,
        };
        var dense = new DenseArchitecture
        {
            HiddenSizes = new[] { 16, 8 },
            DecoderHiddenSizes = new[] { 12 },
            Activation = ActivationFunction.Tanh,
            BatchNormalization = true,
            Dropout = 0.2f,
        };
        switch (name)
        {
            case "dense":
                options.Architecture = dense;
                break;
            case "variational":
                options.Architecture = dense;
                options.LogVarianceColumnName = "LogVariance";
                options.Variational = new VariationalOptions { Beta = 0.5f, KullbackLeiblerWarmupEpochs = 1 };
                options.Sparsity = new SparsityOptions();
                break;
            case "convolutional":
                options.Architecture = new ConvolutionalArchitecture { Channels = 1, Height = 4, Width = 5, FilterCounts = new[] { 4, 6 }, BatchNormalization = true };
                break;
            case "recurrent":
                options.Architecture = new RecurrentArchitecture { Timesteps = 4, FeaturesPerStep = 5, HiddenSize = 8, Cell = RecurrentCell.Gru };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown fuzz model; one of {string.Join(", ", Names)}.");
        }

        using var model = ml.Transforms.Autoencoder(options).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return stream.ToArray();
    }
}
