using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary><c>MulticlassClassification.CrossValidate</c> over a pipeline that contains the autoencoder.</summary>
    public class CrossValidationTests
    {
        private const int Folds = 3;
        private const int Rows = 300;

        [Fact]
        public void CrossValidate_AutoencoderPipeline_EachFoldTrainsItsOwnAutoencoderOnItsTrainingRows()
        {
            var ml = new MLContext(seed: 1);
            var trainingReads = new List<int>();
            ml.Log += (_, e) =>
            {
                // The autoencoder's training channel reports how many rows it read, once per training.
                var match = Regex.Match(e.Message, @"AutoencoderEstimator.*Read (\d+) training rows");
                if (match.Success)
                {
                    lock (trainingReads)
                        trainingReads.Add(int.Parse(match.Groups[1].Value));
                }
            };
            var data = ClassificationData.Load(ml, Rows, seed: 1);

            var results = ml.MulticlassClassification.CrossValidate(data, ClassificationPipelineTests.SdcaPipeline(ml), numberOfFolds: Folds);

            Assert.Equal(Folds, results.Count);
            Assert.Equal(Folds, trainingReads.Count);
            // Each fold trains on the rows outside its test fold (about 2/3 of them), not on all rows.
            Assert.All(trainingReads, count => Assert.InRange(count, Rows / 2, Rows - Rows / Folds / 2));
            Assert.All(results, r => Assert.True(r.Metrics.MicroAccuracy > 0.8, $"fold {r.Fold}: micro accuracy {r.Metrics.MicroAccuracy}"));
            Assert.Equal(Rows, results.Sum(r => r.ScoredHoldOutSet.GetColumn<uint>("Label").Count()));

            // Each fold's model holds its own autoencoder: the same rows get different codes from each.
            var autoencoders = results.Select(r => ((IEnumerable<ITransformer>)r.Model).OfType<AutoencoderTransformer>().Single()).ToList();
            Assert.Equal(Folds, autoencoders.Distinct().Count());
            var probe = Enumerable.Range(0, 10 * ClassificationData.FeatureCount).Select(i => (i % 7) / 7f).ToArray();
            var codes = autoencoders.Select(a => a.Encode(probe)).ToList();
            for (int a = 0; a < Folds; a++)
                for (int b = a + 1; b < Folds; b++)
                    Assert.NotEqual(codes[a], codes[b]);
            foreach (var autoencoder in autoencoders)
                autoencoder.Dispose();
        }
    }
}
