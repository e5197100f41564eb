using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>
    /// The autoencoder as dimensionality reduction before a classifier:
    /// <c>MapValueToKey -> Concatenate -> NormalizeMinMax -> Autoencoder -> trainer</c>.
    /// </summary>
    public class ClassificationPipelineTests
    {
        internal const int LatentDimension = 4;

        internal static AutoencoderEstimator.Options AutoencoderOptions() => new AutoencoderEstimator.Options
        {
            InputColumnName = "Features",
            LatentColumnName = "Latent",
            LatentDimension = LatentDimension,
            Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 } },
            MaximumNumberOfEpochs = 30,
            BatchSize = 32,
            LearningRate = 1e-2f,
            Seed = 1,
        };

        /// <summary>The preprocessing: label to key, one feature vector scaled to [0, 1], its latent code.</summary>
        internal static EstimatorChain<AutoencoderTransformer> Preprocessing(MLContext ml, AutoencoderEstimator.Options? options = null)
            => ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.Concatenate("Features", nameof(ClassificationData.Row.A), nameof(ClassificationData.Row.B)))
                .Append(ml.Transforms.NormalizeMinMax("Features"))
                .Append(ml.Transforms.Autoencoder(options ?? AutoencoderOptions()));

        internal static IEstimator<ITransformer> SdcaPipeline(MLContext ml, AutoencoderEstimator.Options? options = null)
            => Preprocessing(ml, options)
                .Append(ml.Transforms.NormalizeMinMax("Latent"))
                .AppendCacheCheckpoint(ml)
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: "Label", featureColumnName: "Latent"));

        internal static IEstimator<ITransformer> LightGbmPipeline(MLContext ml)
            => Preprocessing(ml)
                .AppendCacheCheckpoint(ml)
                .Append(ml.MulticlassClassification.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmMulticlassTrainer.Options
                {
                    LabelColumnName = "Label",
                    FeatureColumnName = "Latent",
                    NumberOfIterations = 50,
                    MinimumExampleCountPerLeaf = 10,
                    NumberOfThreads = 1,
                    Seed = 1,
                }));

        [Fact]
        public void SdcaMaximumEntropyOnLatent_SeparableClasses_AccuracyFarAboveChanceAndSameAfterSaveLoad()
        {
            var ml = new MLContext(seed: 1);
            var train = ClassificationData.Load(ml, 400, seed: 1);
            var model = SdcaPipeline(ml).Fit(train);

            AssertAccurateAndSameAfterSaveLoad(ml, model, train.Schema);
        }

        [Fact]
        public void LightGbmOnLatent_SeparableClasses_AccuracyFarAboveChanceAndSameAfterSaveLoad()
        {
            var ml = new MLContext(seed: 1);
            var train = ClassificationData.Load(ml, 400, seed: 1);
            var model = LightGbmPipeline(ml).Fit(train);

            AssertAccurateAndSameAfterSaveLoad(ml, model, train.Schema);
        }

        [Fact]
        public void Fit_AutoencoderInChain_LearnsFromNormalizedConcatenatedFeatures()
        {
            var ml = new MLContext(seed: 1);
            var chain = Preprocessing(ml).Fit(ClassificationData.Load(ml, 400, seed: 1));
            using var autoencoder = chain.LastTransformer;

            Assert.Equal(ClassificationData.FeatureCount, autoencoder.InputSize);
            Assert.Equal(LatentDimension, autoencoder.LatentDimension);
            var history = autoencoder.TrainingHistory;
            Assert.True(history[^1].TrainingLoss < 0.5 * history[0].TrainingLoss, $"loss went from {history[0].TrainingLoss} to {history[^1].TrainingLoss}");
        }

        /// <summary>
        /// Evaluates <paramref name="model"/> on held-out rows (accuracy far above the chance of 1 / ClassCount),
        /// then saves and loads it: the loaded pipeline gives the same scores, bit for bit, and the same metrics.
        /// </summary>
        private static void AssertAccurateAndSameAfterSaveLoad(MLContext ml, ITransformer model, DataViewSchema inputSchema)
        {
            var test = ClassificationData.Load(ml, 200, seed: 2);
            var scored = model.Transform(test);
            var metrics = ml.MulticlassClassification.Evaluate(scored);

            Assert.True(metrics.MicroAccuracy > 0.85, $"micro accuracy {metrics.MicroAccuracy}");
            Assert.True(metrics.MacroAccuracy > 0.85, $"macro accuracy {metrics.MacroAccuracy}");
            Assert.Equal(ClassificationData.ClassCount, metrics.ConfusionMatrix.NumberOfClasses);

            var loaded = ModelRoundTrip.SaveAndLoad(ml, model, inputSchema);
            try
            {
                var rescored = loaded.Transform(test);
                Assert.Equal(Scores(scored), Scores(rescored));
                Assert.Equal(scored.GetColumn<VBuffer<float>>("Latent").SelectMany(v => v.DenseValues()), rescored.GetColumn<VBuffer<float>>("Latent").SelectMany(v => v.DenseValues()));
                var reloadedMetrics = ml.MulticlassClassification.Evaluate(rescored);
                Assert.Equal(metrics.MicroAccuracy, reloadedMetrics.MicroAccuracy);
                Assert.Equal(metrics.MacroAccuracy, reloadedMetrics.MacroAccuracy);
                Assert.Equal(metrics.LogLoss, reloadedMetrics.LogLoss);
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }

        private static float[] Scores(IDataView scored)
            => scored.GetColumn<VBuffer<float>>("Score").SelectMany(v => v.DenseValues()).ToArray();
    }
}
