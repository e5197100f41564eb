using System;

namespace Microsoft.ML.Autoencoder.Samples.Compress;

/// <summary>One point of a rate-distortion curve: a method at one setting, its bytes per held-out image and its error.</summary>
/// <param name="Family">The curve: "Dense AE", "Conv AE", "PCA", "JPEG", "WebP", or a lossless codec's name.</param>
/// <param name="Setting">What varies along the curve, e.g. "k = 16, 8-bit" or "quality 40".</param>
/// <param name="BytesPerImage">The compressed bytes divided by the number of held-out images (headers included).</param>
/// <param name="MeanSquaredError">The held-out mean squared error per pixel, pixels in [0, 1]; 0 for lossless codecs.</param>
/// <param name="ModelBytes">What a receiver needs besides the bytes: the saved model (autoencoders), the components and mean (PCA); 0 for codecs.</param>
/// <param name="FitSeconds">The time to fit the model, or 0.</param>
internal sealed record RatePoint(string Family, string Setting, double BytesPerImage, double MeanSquaredError, long ModelBytes, double FitSeconds)
{
    /// <summary>The peak signal-to-noise ratio in dB for a peak of 1, or infinity for a lossless codec.</summary>
    public double Psnr => MeanSquaredError == 0 ? double.PositiveInfinity : 10 * Math.Log10(1 / MeanSquaredError);

    /// <summary>Whether the codec gives back every pixel exactly.</summary>
    public bool IsLossless => MeanSquaredError == 0;

    /// <summary>Whether the point needs a trained model (autoencoders and PCA).</summary>
    public bool IsLearned => ModelBytes > 0;
}
