using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Classify;
using Microsoft.ML.Autoencoder.Samples.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the <c>classify</c> sample's core on a small slice of the Fashion-MNIST split shipped with the samples.</summary>
    public class ClassifySmokeTests
    {
        [Fact]
        public void ClassificationComparisonRun_TinySlice_EveryRepresentationFarAboveChance()
        {
            var full = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var data = full with { Train = full.Train.Take(1000), Test = full.Test.Take(300) };
            var options = new ClassifyOptions { CodeDimension = 8, AutoencoderEpochs = 3, BatchSize = 64, ClassifierIterations = 10, Seed = 1 };
            var log = new StringWriter();

            var result = ClassificationComparison.Run(data, options, log);

            Assert.Equal(1000, result.TrainCount);
            Assert.Equal(300, result.HeldOutCount);
            Assert.Equal(new[] { FashionMnist.PixelCount, 8, 8 }, result.All.Select(r => r.Dimension));
            Assert.Equal(3, result.All.Select(r => r.Name).Distinct().Count());
            foreach (var features in result.All)
            {
                // Chance is 0.1 with ten balanced classes.
                Assert.True(features.MicroAccuracy > 0.5, $"{features.Name}: micro accuracy {features.MicroAccuracy}");
                Assert.True(features.MacroAccuracy > 0.5, $"{features.Name}: macro accuracy {features.MacroAccuracy}");
                Assert.True(features.MicroAccuracy <= 1 && features.MacroAccuracy <= 1);
            }
            Assert.Contains(result.Example.ActualClass, FashionMnist.ClassNames);
            Assert.Contains(result.Example.PredictedClass, FashionMnist.ClassNames);
            Assert.InRange(result.Example.Confidence, 0.1f, 1f);
            Assert.Contains("the autoencoder trained for", log.ToString());
        }
    }
}
