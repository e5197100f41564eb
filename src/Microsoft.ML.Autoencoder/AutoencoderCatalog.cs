using System;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Autoencoder.Interop;

namespace Microsoft.ML
{
    /// <summary>Creates autoencoder estimators from <c>mlContext.Transforms</c>.</summary>
    public static class AutoencoderCatalog
    {
        /// <summary>
        /// Creates an <see cref="AutoencoderEstimator"/> that learns a <paramref name="latentDimension"/>-sized
        /// code of <paramref name="inputColumnName"/> with a dense autoencoder and writes it to
        /// <paramref name="outputColumnName"/>.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="outputColumnName">The latent column's name: a vector of <paramref name="latentDimension"/> floats.</param>
        /// <param name="inputColumnName">The input column: a known-size vector of floats, best scaled to [0, 1]. Defaults to <paramref name="outputColumnName"/>.</param>
        /// <param name="latentDimension">The size of the latent code; smaller than the input size.</param>
        /// <param name="maximumNumberOfEpochs">The maximum number of passes over the training data.</param>
        /// <param name="batchSize">The number of rows per mini-batch.</param>
        /// <param name="learningRate">Adam's learning rate.</param>
        /// <param name="seed">The training seed; <see langword="null"/> draws one from the MLContext.</param>
        /// <example>
        /// <code language="csharp">
        /// var pipeline = ml.Transforms.NormalizeMinMax("Features")
        ///     .Append(ml.Transforms.Autoencoder(outputColumnName: "Latent", inputColumnName: "Features", latentDimension: 32));
        /// </code>
        /// </example>
        public static AutoencoderEstimator Autoencoder(
            this TransformsCatalog catalog,
            string outputColumnName,
            string? inputColumnName = null,
            int latentDimension = AutoencoderEstimator.Defaults.LatentDimension,
            int maximumNumberOfEpochs = AutoencoderEstimator.Defaults.MaximumNumberOfEpochs,
            int batchSize = AutoencoderEstimator.Defaults.BatchSize,
            float learningRate = AutoencoderEstimator.Defaults.LearningRate,
            int? seed = null)
            => Autoencoder(catalog, new AutoencoderEstimator.Options
            {
                LatentColumnName = outputColumnName,
                InputColumnName = inputColumnName ?? outputColumnName,
                LatentDimension = latentDimension,
                MaximumNumberOfEpochs = maximumNumberOfEpochs,
                BatchSize = batchSize,
                LearningRate = learningRate,
                Seed = seed,
            });

        /// <summary>Creates an <see cref="AutoencoderEstimator"/> configured by <paramref name="options"/>.</summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="options">The estimator's options; they are copied, so later changes do not affect it.</param>
        public static AutoencoderEstimator Autoencoder(this TransformsCatalog catalog, AutoencoderEstimator.Options options)
        {
            if (catalog is null)
                throw new ArgumentNullException(nameof(catalog));
            return new AutoencoderEstimator(MLNetInternals.GetEnvironment(catalog), options);
        }
    }
}
