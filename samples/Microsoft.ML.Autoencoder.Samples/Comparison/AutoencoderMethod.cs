using System;
using System.Diagnostics;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>An <see cref="AutoencoderEstimator"/> configured by the comparison and by a method-specific delegate.</summary>
internal sealed class AutoencoderMethod : ComparisonMethod
{
    private const string FeaturesColumnName = nameof(FashionMnistImage.Features);
    private const string LatentColumnName = "Latent";
    private const string ReconstructionColumnName = "Reconstruction";

    private readonly Action<AutoencoderEstimator.Options> _configure;

    public AutoencoderMethod(string name, string description, Action<AutoencoderEstimator.Options> configure)
        : base(name, description)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure = configure;
    }

    public override bool IsTrainedByGradientDescent => true;

    public override MethodRun Fit(FashionMnistSplit train, FashionMnistSplit heldOut, int latentDimension, TrainingSettings training)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(training);
        var mlContext = new MLContext(seed: training.Seed);
        var trainView = FashionMnist.ToDataView(mlContext, train);
        var heldOutView = FashionMnist.ToDataView(mlContext, heldOut);
        var options = new AutoencoderEstimator.Options
        {
            InputColumnName = FeaturesColumnName,
            LatentColumnName = LatentColumnName,
            ReconstructionColumnName = ReconstructionColumnName,
            LatentDimension = latentDimension,
            MaximumNumberOfEpochs = training.Epochs,
            BatchSize = training.BatchSize,
            Seed = training.Seed,

            // One thread, like PCA and the classifiers here: times compare like with like, and libtorch's
            // spinning worker threads do not fight other processes for a small machine's cores.
            NumberOfThreads = 1,
        };
        _configure(options);

        var stopwatch = Stopwatch.StartNew();
        using var autoencoder = mlContext.Transforms.Autoencoder(options).Fit(trainView);
        var fitTime = stopwatch.Elapsed;

        (string, int)[] columns = [(LatentColumnName, latentDimension), (ReconstructionColumnName, FashionMnist.PixelCount)];
        stopwatch.Restart();
        var heldOutOutputs = DataViewColumns.ReadVectors(autoencoder.Transform(heldOutView), columns, heldOut.Count);
        var transformTime = stopwatch.Elapsed;

        return new MethodRun
        {
            Method = Name,
            LatentDimension = latentDimension,
            TrainCodes = DataViewColumns.ReadVectors(autoencoder.Transform(trainView), LatentColumnName, latentDimension, train.Count),
            HeldOutCodes = heldOutOutputs[0],
            HeldOutReconstructions = heldOutOutputs[1],
            FitTime = fitTime,
            TransformTime = transformTime,
            TrainingHistory = autoencoder.TrainingHistory,
        };
    }
}
