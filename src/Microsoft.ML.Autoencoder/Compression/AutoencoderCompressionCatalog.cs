using System;
using Microsoft.ML.Autoencoder;

namespace Microsoft.ML
{
    /// <summary>Creates the compression estimators of a trained autoencoder from <c>mlContext.Transforms</c>.</summary>
    public static class AutoencoderCompressionCatalog
    {
        /// <summary>
        /// Creates an <see cref="AutoencoderCompressionEstimator"/> that writes each row's latent code, quantized to
        /// <paramref name="precision"/>, to <paramref name="outputColumnName"/> as a known-size vector of bytes.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="autoencoder">The trained autoencoder; the estimator and its transformer use it without owning it.</param>
        /// <param name="outputColumnName">The compressed-code column's name.</param>
        /// <param name="inputColumnName">The input column, of the autoencoder's input size. Defaults to the autoencoder's input column.</param>
        /// <param name="precision">How each code value is stored: one byte over the training codes' range, or float16.</param>
        /// <exception cref="InvalidOperationException"><see cref="CodePrecision.Byte"/> with an autoencoder without code ranges (<see cref="AutoencoderTransformer.HasCodeRanges"/>).</exception>
        /// <example>
        /// <code language="csharp">
        /// var compress = ml.Transforms.CompressAutoencoderCodes(autoencoder, outputColumnName: "Code", inputColumnName: "Features").Fit(data);
        /// ml.Data.SaveAsBinary(compress.Transform(data), stream, keepHidden: false);
        /// </code>
        /// </example>
        public static AutoencoderCompressionEstimator CompressAutoencoderCodes(
            this TransformsCatalog catalog,
            AutoencoderTransformer autoencoder,
            string outputColumnName,
            string? inputColumnName = null,
            CodePrecision precision = CodePrecision.Byte)
        {
            CheckArguments(catalog, autoencoder, outputColumnName, precision);
            return new AutoencoderCompressionEstimator(autoencoder, outputColumnName, inputColumnName ?? autoencoder.InputColumnName, precision);
        }

        /// <summary>
        /// Creates an <see cref="AutoencoderDecompressionEstimator"/> that decodes the compressed codes of
        /// <paramref name="inputColumnName"/> (written by <see cref="CompressAutoencoderCodes"/> with the same autoencoder and
        /// precision) into reconstructions in <paramref name="outputColumnName"/>.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="autoencoder">The autoencoder that compressed the codes; used without being owned.</param>
        /// <param name="outputColumnName">The reconstruction column's name: a vector of the autoencoder's input size.</param>
        /// <param name="inputColumnName">The compressed-code column.</param>
        /// <param name="precision">The precision the codes were compressed at.</param>
        /// <exception cref="InvalidOperationException"><see cref="CodePrecision.Byte"/> with an autoencoder without code ranges.</exception>
        /// <example>
        /// <code language="csharp">
        /// var decompress = ml.Transforms.DecompressAutoencoderCodes(autoencoder, outputColumnName: "Reconstruction", inputColumnName: "Code").Fit(codes);
        /// </code>
        /// </example>
        public static AutoencoderDecompressionEstimator DecompressAutoencoderCodes(
            this TransformsCatalog catalog,
            AutoencoderTransformer autoencoder,
            string outputColumnName,
            string inputColumnName,
            CodePrecision precision = CodePrecision.Byte)
        {
            CheckArguments(catalog, autoencoder, outputColumnName, precision);
            if (string.IsNullOrEmpty(inputColumnName))
                throw new ArgumentException("The compressed-code column must be named.", nameof(inputColumnName));
            return new AutoencoderDecompressionEstimator(autoencoder, outputColumnName, inputColumnName, precision);
        }

        private static void CheckArguments(TransformsCatalog catalog, AutoencoderTransformer autoencoder, string outputColumnName, CodePrecision precision)
        {
            if (catalog is null)
                throw new ArgumentNullException(nameof(catalog));
            if (autoencoder is null)
                throw new ArgumentNullException(nameof(autoencoder));
            if (string.IsNullOrEmpty(outputColumnName))
                throw new ArgumentException("The output column must be named.", nameof(outputColumnName));
            if (precision is not (CodePrecision.Float16 or CodePrecision.Byte))
                throw new ArgumentOutOfRangeException(nameof(precision), precision, "The precision is CodePrecision.Float16 or CodePrecision.Byte.");
            if (precision == CodePrecision.Byte && !autoencoder.HasCodeRanges)
                throw new InvalidOperationException(
                    "The autoencoder has no ranges of its training codes, which CodePrecision.Byte needs (it was saved in model format 0x00010003 or older): use CodePrecision.Float16, or fit it again.");
        }
    }
}
