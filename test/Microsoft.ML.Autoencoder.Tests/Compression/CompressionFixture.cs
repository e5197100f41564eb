using System;
using Microsoft.ML.Autoencoder.Architectures;

namespace Microsoft.ML.Autoencoder.Tests.Compression
{
    /// <summary>One small seeded autoencoder (20 -> 8 -> 4), trained once for all the compression tests of a class.</summary>
    public sealed class CompressionFixture : IDisposable
    {
        public const int Size = 20;

        public CompressionFixture()
        {
            Ml = new MLContext(seed: 1);
            TrainingRows = SyntheticData.LowRankRows(300, Size, 3, seed: 7);
            HeldOutRows = SyntheticData.LowRankRows(50, Size, 3, seed: 8);
            Training = SyntheticData.ToDataView(Ml, TrainingRows, Size);
            Autoencoder = Ml.Transforms.Autoencoder(Options()).Fit(Training);
        }

        public MLContext Ml { get; }

        public float[][] TrainingRows { get; }

        public float[][] HeldOutRows { get; }

        public IDataView Training { get; }

        public AutoencoderTransformer Autoencoder { get; }

        public static AutoencoderEstimator.Options Options(int seed = 1) => new AutoencoderEstimator.Options
        {
            InputColumnName = "Features",
            LatentColumnName = "Latent",
            ReconstructionColumnName = "Reconstruction",
            LatentDimension = 4,
            Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
            MaximumNumberOfEpochs = 5,
            BatchSize = 32,
            LearningRate = 1e-2f,
            Seed = seed,
        };

        public void Dispose() => Autoencoder.Dispose();
    }
}
