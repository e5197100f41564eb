using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.Autoencoder.Tests.Training.VariantTestHelpers;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>A trained encoder reused as the featurizer of another model's pipeline.</summary>
    public class FeatureExtractionTests
    {
        private readonly ITestOutputHelper _output;

        public FeatureExtractionTests(ITestOutputHelper output) => _output = output;

        private sealed class LabeledRow
        {
            [VectorType(Size)]
            public float[] Features { get; set; } = Array.Empty<float>();

            /// <summary>Whether the row's first value is above 0.5: a property of its position on the manifold.</summary>
            public bool Label { get; set; }
        }

        private static IDataView Labeled(MLContext ml, IEnumerable<float[]> rows)
            => ml.Data.LoadFromEnumerable(rows.Select(r => new LabeledRow { Features = r, Label = r[0] > 0.5f }).ToList());

        [Fact]
        public void Append_FittedEncoderThenClassifierOnLatent_ClassifiesHeldOutRows()
        {
            var ml = new MLContext(1);
            var (train, test) = Split(trainRows: 300, testRows: 200);
            // The autoencoder learns from rows without labels...
            using var encoder = Fit(ml, SmallOptions(), train);

            // ...then a classifier is trained on its latent column; a fitted transformer joins a chain with
            // ITransformer.Append (an EstimatorChain takes estimators, which would train it again).
            var labeled = Labeled(ml, train);
            var classifier = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(featureColumnName: "Latent")
                .Fit(encoder.Transform(labeled));
            var pipeline = encoder.Append(classifier);

            var metrics = ml.BinaryClassification.EvaluateNonCalibrated(pipeline.Transform(Labeled(ml, test)));
            _output.WriteLine($"held-out accuracy {metrics.Accuracy:F3}, positive fraction {test.Count(r => r[0] > 0.5f) / (double)test.Length:F3}");
            Assert.True(metrics.Accuracy > 0.85, $"accuracy {metrics.Accuracy}");
        }

        [Fact]
        public void Fit_EstimatorChainWithFrozenEncoder_GivesTheTrainedCodes()
        {
            var ml = new MLContext(1);
            var (train, test) = Split();
            using var encoder = Fit(ml, SmallOptions(), train);

            // Inside an estimator chain that is fitted again, a frozen warm-started autoencoder keeps the
            // trained encoder: only its decoder trains (here for one epoch), the codes are the same.
            var options = SmallOptions(epochs: 1);
            options.InitialModel = encoder;
            options.FreezeEncoder = true;
            var chain = ml.Transforms.Autoencoder(options)
                .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(featureColumnName: "Latent"));
            var model = chain.Fit(Labeled(ml, train));

            var latent = model.Transform(Labeled(ml, test)).GetColumn<float[]>("Latent").SelectMany(v => v).ToArray();
            Assert.Equal(encoder.Encode(SyntheticData.Flatten(test)), latent);
            ((IDisposable)model.First()).Dispose();
        }
    }
}
