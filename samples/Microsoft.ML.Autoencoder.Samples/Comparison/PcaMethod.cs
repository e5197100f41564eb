using System;
using System.Diagnostics;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>ML.NET's PCA: fit, project, and map projections back to pixels (see <see cref="PcaReconstruction"/>).</summary>
internal sealed class PcaMethod : ComparisonMethod
{
    private const string FeaturesColumnName = nameof(FashionMnistImage.Features);
    private const string ProjectionColumnName = "Projection";

    public PcaMethod()
        : base("PCA", "ML.NET's ProjectToPrincipalComponents (randomized SVD on mean-centred pixels); reconstruction = mean image + components x code.")
    {
    }

    public override bool IsTrainedByGradientDescent => false;

    public override MethodRun Fit(FashionMnistSplit train, FashionMnistSplit heldOut, int latentDimension, TrainingSettings training)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(training);
        var mlContext = new MLContext(seed: training.Seed);
        var trainView = FashionMnist.ToDataView(mlContext, train);
        var heldOutView = FashionMnist.ToDataView(mlContext, heldOut);

        // Fitting includes reading the components back: ML.NET keeps them internal.
        var stopwatch = Stopwatch.StartNew();
        var pca = mlContext.Transforms
            .ProjectToPrincipalComponents(ProjectionColumnName, FeaturesColumnName, rank: latentDimension, seed: training.Seed)
            .Fit(trainView);
        var reconstruction = PcaReconstruction.Create(mlContext, pca, ProjectionColumnName, latentDimension, ImageMath.MeanImage(train));
        var fitTime = stopwatch.Elapsed;

        stopwatch.Restart();
        var heldOutCodes = DataViewColumns.ReadVectors(pca.Transform(heldOutView), ProjectionColumnName, latentDimension, heldOut.Count);
        var heldOutReconstructions = reconstruction.Reconstruct(heldOutCodes);
        var transformTime = stopwatch.Elapsed;

        return new MethodRun
        {
            Method = Name,
            LatentDimension = latentDimension,
            TrainCodes = DataViewColumns.ReadVectors(pca.Transform(trainView), ProjectionColumnName, latentDimension, train.Count),
            HeldOutCodes = heldOutCodes,
            HeldOutReconstructions = heldOutReconstructions,
            FitTime = fitTime,
            TransformTime = transformTime,
        };
    }
}
