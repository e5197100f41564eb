using System;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Autoencoder.Interop;

namespace Microsoft.ML
{
    /// <summary>Creates autoencoder anomaly detectors from <c>mlContext.AnomalyDetection.Trainers</c>, beside <c>RandomizedPca</c>.</summary>
    public static class AutoencoderAnomalyDetectionCatalog
    {
        /// <summary>
        /// Creates an <see cref="AutoencoderAnomalyTrainer"/>: it standardizes <paramref name="featureColumnName"/>, trains
        /// a dense autoencoder on it and scores rows by their reconstruction error (<c>Score</c>, higher is more anomalous),
        /// with <c>PredictedLabel</c> true above a threshold fitted automatically on the training scores (a two-component
        /// Gaussian mixture of their logarithms; see <see cref="AnomalyThresholdMethod"/>).
        /// </summary>
        /// <param name="catalog">The anomaly-detection trainers' catalog.</param>
        /// <param name="featureColumnName">The feature column: a known-size vector of floats, raw.</param>
        /// <param name="latentDimension">The autoencoder's latent dimension; <see langword="null"/> chooses it from the feature count (<see cref="AutoencoderAnomalyTrainer.Defaults.LatentDimensionFor"/>).</param>
        /// <param name="maximumNumberOfEpochs">The maximum number of training epochs.</param>
        /// <param name="seed">The training seed; <see langword="null"/> draws one from the MLContext.</param>
        /// <example>
        /// <code language="csharp">
        /// var detector = ml.AnomalyDetection.Trainers.Autoencoder(featureColumnName: "Features").Fit(train);
        /// var metrics = ml.AnomalyDetection.Evaluate(detector.Transform(test));   // Label: Single, 1 = anomaly
        /// </code>
        /// </example>
        public static AutoencoderAnomalyTrainer Autoencoder(
            this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog,
            string featureColumnName = AutoencoderAnomalyTrainer.Defaults.FeatureColumnName,
            int? latentDimension = null,
            int maximumNumberOfEpochs = AutoencoderAnomalyTrainer.Defaults.MaximumNumberOfEpochs,
            int? seed = null)
        {
            var options = new AutoencoderAnomalyTrainer.Options { FeatureColumnName = featureColumnName, LatentDimension = latentDimension };
            options.Autoencoder.MaximumNumberOfEpochs = maximumNumberOfEpochs;
            options.Autoencoder.Seed = seed;
            return Autoencoder(catalog, options);
        }

        /// <summary>Creates an <see cref="AutoencoderAnomalyTrainer"/> configured by <paramref name="options"/>.</summary>
        /// <param name="catalog">The anomaly-detection trainers' catalog.</param>
        /// <param name="options">The detector's options (with the autoencoder's in <see cref="AutoencoderAnomalyTrainer.Options.Autoencoder"/>); copied, so later changes do not affect it.</param>
        public static AutoencoderAnomalyTrainer Autoencoder(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, AutoencoderAnomalyTrainer.Options options)
        {
            if (catalog is null)
                throw new ArgumentNullException(nameof(catalog));
            return new AutoencoderAnomalyTrainer(MLNetInternals.GetEnvironment(catalog), options);
        }
    }
}
