using System;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Adds a column of compressed latent codes made by a trained autoencoder; <see cref="Fit"/> trains nothing (the
    /// autoencoder is trained already) and returns an <see cref="AutoencoderCompressionTransformer"/>. Made by
    /// <c>mlContext.Transforms.CompressAutoencoderCodes</c>.
    /// </summary>
    /// <remarks>
    /// Input: a known-size vector of <see cref="float"/> of the autoencoder's input size. Output: a known-size vector of
    /// <see cref="byte"/>, the latent dimension's worth (twice that for <see cref="CodePrecision.Float16"/>). See
    /// docs/compression.md and the <c>compress</c> command of <c>samples/Microsoft.ML.Autoencoder.Samples</c>.
    /// </remarks>
    public sealed class AutoencoderCompressionEstimator : IEstimator<AutoencoderCompressionTransformer>
    {
        private readonly AutoencoderTransformer _autoencoder;
        private readonly string _outputColumnName;
        private readonly string _inputColumnName;
        private readonly CodePrecision _precision;

        internal AutoencoderCompressionEstimator(AutoencoderTransformer autoencoder, string outputColumnName, string inputColumnName, CodePrecision precision)
        {
            _autoencoder = autoencoder;
            _outputColumnName = outputColumnName;
            _inputColumnName = inputColumnName;
            _precision = precision;
        }

        /// <summary>Checks <paramref name="input"/>'s schema and returns the transformer (over the same autoencoder, which it does not own).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a known-size vector of floats, or has another size than the autoencoder's input.</exception>
        public AutoencoderCompressionTransformer Fit(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            var transformer = new AutoencoderCompressionTransformer(_autoencoder, _outputColumnName, _inputColumnName, _precision, ownsAutoencoder: false);
            transformer.GetOutputSchema(input.Schema);
            return transformer;
        }

        /// <summary>The input columns plus the compressed-code column, a known-size vector of bytes.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing or is not a known-size vector of floats.</exception>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            return CodeColumnSchema.Extend(inputSchema, _inputColumnName, "Input", NumberDataViewType.Single, _outputColumnName, NumberDataViewType.Byte);
        }
    }
}
