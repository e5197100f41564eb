using System;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Decodes a column of compressed latent codes (as <see cref="AutoencoderCompressionTransformer"/> writes it) into
    /// reconstructions; <see cref="Fit"/> trains nothing and returns an <see cref="AutoencoderDecompressionTransformer"/>.
    /// Made by <c>mlContext.Transforms.DecompressAutoencoderCodes</c>.
    /// </summary>
    /// <remarks>
    /// Input: a known-size vector of <see cref="byte"/>, the latent dimension's worth (twice that for
    /// <see cref="CodePrecision.Float16"/>). Output: a known-size vector of <see cref="float"/> of the autoencoder's input
    /// size. See docs/compression.md.
    /// </remarks>
    public sealed class AutoencoderDecompressionEstimator : IEstimator<AutoencoderDecompressionTransformer>
    {
        private readonly AutoencoderTransformer _autoencoder;
        private readonly string _outputColumnName;
        private readonly string _inputColumnName;
        private readonly CodePrecision _precision;

        internal AutoencoderDecompressionEstimator(AutoencoderTransformer autoencoder, string outputColumnName, string inputColumnName, CodePrecision precision)
        {
            _autoencoder = autoencoder;
            _outputColumnName = outputColumnName;
            _inputColumnName = inputColumnName;
            _precision = precision;
        }

        /// <summary>Checks <paramref name="input"/>'s schema and returns the transformer (over the same autoencoder, which it does not own).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The code column is missing or is not a vector of the expected number of bytes.</exception>
        public AutoencoderDecompressionTransformer Fit(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            var transformer = new AutoencoderDecompressionTransformer(_autoencoder, _outputColumnName, _inputColumnName, _precision, ownsAutoencoder: false);
            transformer.GetOutputSchema(input.Schema);
            return transformer;
        }

        /// <summary>The input columns plus the reconstruction column, a known-size vector of floats.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The code column is missing or is not a known-size vector of bytes.</exception>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            return CodeColumnSchema.Extend(inputSchema, _inputColumnName, "Compressed-code", NumberDataViewType.Byte, _outputColumnName, NumberDataViewType.Single);
        }
    }
}
