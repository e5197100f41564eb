using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>
    /// <c>mlContext.Model.CreatePredictionEngine</c> over a trained pipeline with typed input and output
    /// classes, on a slice of Fashion-MNIST, from one thread and from several.
    /// </summary>
    public class PredictionEngineTests
    {
        private const int Latent = 8;
        private const int StackedLatent = 3;

        /// <summary>
        /// Engines over a model that outlives them: by default an engine owns its model and disposes it with
        /// itself, which would free the network under the other engines (and the next test).
        /// </summary>
        private static readonly PredictionEngineOptions Shared = new PredictionEngineOptions { OwnsTransformer = false };

        /// <summary>What the application sends: one image.</summary>
        private sealed class ImageInput
        {
            [VectorType(FashionMnist.PixelCount)]
            public float[] Pixels { get; set; } = Array.Empty<float>();
        }

        /// <summary>What the application gets back: the image's code and how well it was reconstructed.</summary>
        private sealed class EncodedImage
        {
            [VectorType(Latent)]
            public float[] Code { get; set; } = Array.Empty<float>();

            public float ReconstructionError { get; set; }

            [VectorType(StackedLatent)]
            public float[] SmallCode { get; set; } = Array.Empty<float>();
        }

        private sealed class SyntheticRow
        {
            [VectorType(20)]
            public float[] Features { get; set; } = Array.Empty<float>();
        }

        private sealed class SyntheticCode
        {
            [VectorType(3)]
            public float[] Latent { get; set; } = Array.Empty<float>();
        }

        /// <summary>
        /// One model for every test of the class: pixels -> code (and error) -> a second, stacked autoencoder
        /// whose forward passes therefore call into the first one's from inside its own input getter.
        /// </summary>
        private static readonly Lazy<(ITransformer Model, float[][] Images)> s_model = new(() =>
        {
            var ml = new MLContext(seed: 1);
            var split = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);
            var train = split.Train.Take(600);
            var images = Enumerable.Range(0, 200).Select(i => split.Test.GetImage(i).ToArray()).ToArray();
            var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, train.Count).Select(i => new ImageInput { Pixels = train.GetImage(i).ToArray() }));
            var pipeline = ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
            {
                InputColumnName = nameof(ImageInput.Pixels),
                LatentColumnName = nameof(EncodedImage.Code),
                ReconstructionErrorColumnName = nameof(EncodedImage.ReconstructionError),
                LatentDimension = Latent,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 32 } },
                MaximumNumberOfEpochs = 2,
                BatchSize = 64,
                Seed = 1,
            }).Append(ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
            {
                InputColumnName = nameof(EncodedImage.Code),
                LatentColumnName = nameof(EncodedImage.SmallCode),
                LatentDimension = StackedLatent,
                OutputActivation = OutputActivation.Identity,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
                MaximumNumberOfEpochs = 2,
                BatchSize = 64,
                Seed = 2,
            }));
            return (pipeline.Fit(view), images);
        });

        [Fact]
        public void Predict_TypedImage_ReturnsCodeAndErrorOfTheTransformer()
        {
            var (model, images) = s_model.Value;
            var ml = new MLContext(seed: 1);
            using var engine = ml.Model.CreatePredictionEngine<ImageInput, EncodedImage>(model, Shared);
            var autoencoder = ((IEnumerable<ITransformer>)model).OfType<AutoencoderTransformer>().First();
            var flat = images.Take(20).SelectMany(i => i).ToArray();
            var codes = autoencoder.Encode(flat);
            var errors = autoencoder.GetReconstructionErrors(flat);

            for (int i = 0; i < 20; i++)
            {
                var prediction = engine.Predict(new ImageInput { Pixels = images[i] });
                Assert.Equal(Latent, prediction.Code.Length);
                Assert.Equal(StackedLatent, prediction.SmallCode.Length);
                for (int j = 0; j < Latent; j++)
                    Assert.Equal(codes[i * Latent + j], prediction.Code[j], 1e-5f);
                Assert.Equal(errors[i], prediction.ReconstructionError, 1e-6f);
                Assert.True(prediction.ReconstructionError > 0);
            }
        }

        [Fact]
        public void Predict_OneEnginePerThreadOnFourThreads_BitIdenticalToOneThread()
        {
            var (model, images) = s_model.Value;
            var ml = new MLContext(seed: 1);
            var expected = PredictOnOneThread(ml, model, images);

            var actual = PredictOnThreads(ml, model, images, threads: 4, Shared);

            foreach (var results in actual)
                for (int i = 0; i < images.Length; i++)
                    Assert.Equal(expected[i], results[i]);
            Assert.True(expected.Select(e => e[0]).Distinct().Count() > images.Length / 2, "the images should get different codes");
        }

        [Fact]
        public void Predict_SavedAndLoadedModelOnFourThreads_BitIdenticalToOriginal()
        {
            var (model, images) = s_model.Value;
            var ml = new MLContext(seed: 1);
            var expected = PredictOnOneThread(ml, model, images);
            var inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<ImageInput>()).Schema;

            var loaded = ModelRoundTrip.SaveAndLoad(ml, model, inputSchema);
            try
            {
                var actual = PredictOnThreads(ml, loaded, images, threads: 4, Shared);

                foreach (var results in actual)
                    for (int i = 0; i < images.Length; i++)
                        Assert.Equal(expected[i], results[i]);
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }

        [Fact]
        public void Predict_EightThreadsEachUsingAnEngineWithDefaultOptions_BitIdenticalToOneThreadAndModelStaysUsable()
        {
            // The ML.NET habit: `using var engine = ml.Model.CreatePredictionEngine(model)` per thread over one shared model.
            // Each engine disposes the model (a pipeline: both autoencoders) when it is disposed.
            var (model, images) = s_model.Value;
            var ml = new MLContext(seed: 1);
            var expected = PredictOnOneThread(ml, model, images);

            var actual = PredictOnThreads(ml, model, images, threads: 8, options: null);

            foreach (var results in actual)
                for (int i = 0; i < images.Length; i++)
                    Assert.Equal(expected[i], results[i]);
            Assert.Equal(expected, PredictOnOneThread(ml, model, images));
        }

        [Fact]
        public void Dispose_ModelAndEveryEngine_FreesTheNetworkAfterTheLastOnly()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticData.LowRankRows(40, 20, 3, seed: 5);
            var model = ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
            {
                LatentDimension = 3,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
                MaximumNumberOfEpochs = 1,
                Seed = 1,
            }).Fit(SyntheticData.ToDataView(ml, rows, 20));
            var first = ml.Model.CreatePredictionEngine<SyntheticRow, SyntheticCode>(model);
            var second = ml.Model.CreatePredictionEngine<SyntheticRow, SyntheticCode>(model);
            var input = new SyntheticRow { Features = rows[0] };
            var expected = second.Predict(input).Latent;

            model.Dispose(); // the owner is done; the engines are not
            Assert.Equal(expected, first.Predict(input).Latent);
            first.Dispose();
            Assert.Equal(expected, second.Predict(input).Latent);
            Assert.Equal(expected, model.Encode(rows[0]));
            second.Dispose();

            var exception = Assert.Throws<ObjectDisposedException>(() => model.Encode(rows[0]));
            Assert.Contains("once for each PredictionEngine", exception.Message);
            Assert.Throws<ObjectDisposedException>(() => ml.Model.CreatePredictionEngine<SyntheticRow, SyntheticCode>(model));
            model.Dispose(); // more disposes than holds are harmless
        }

        /// <summary>The expected outputs: one engine, one thread, every image in order.</summary>
        private static float[][] PredictOnOneThread(MLContext ml, ITransformer model, float[][] images)
        {
            using var engine = ml.Model.CreatePredictionEngine<ImageInput, EncodedImage>(model, Shared);
            return images.Select(image => Flatten(engine.Predict(new ImageInput { Pixels = image }))).ToArray();
        }

        /// <summary>
        /// Each thread creates its own engine over the same model (as ML.NET documents: an engine is not
        /// thread-safe, the model is), then, once all are ready, goes through every image starting at its own
        /// offset, so that different images are in flight at the same time.
        /// </summary>
        private static float[][][] PredictOnThreads(MLContext ml, ITransformer model, float[][] images, int threads, PredictionEngineOptions? options = null)
        {
            var results = new float[threads][][];
            var failures = new Exception?[threads];
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                try
                {
                    using var engine = ml.Model.CreatePredictionEngine<ImageInput, EncodedImage>(model, options ?? new PredictionEngineOptions());
                    var mine = new float[images.Length][];
                    start.SignalAndWait();
                    for (int k = 0; k < images.Length; k++)
                    {
                        int i = (k + t * images.Length / threads) % images.Length;
                        mine[i] = Flatten(engine.Predict(new ImageInput { Pixels = images[i] }));
                    }
                    results[t] = mine;
                }
                catch (Exception exception)
                {
                    failures[t] = exception;
                }
            })).ToArray();
            foreach (var worker in workers)
                worker.Start();

            Assert.All(workers, worker => Assert.True(worker.Join(TimeSpan.FromMinutes(2)), "A thread did not finish: deadlock?"));
            Assert.All(failures, failure => Assert.Null(failure));
            return results;
        }

        private static float[] Flatten(EncodedImage prediction)
            => prediction.Code.Concat(prediction.SmallCode).Append(prediction.ReconstructionError).ToArray();
    }
}
