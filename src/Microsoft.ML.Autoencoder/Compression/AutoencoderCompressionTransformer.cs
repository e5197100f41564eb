using System;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Adds a column of compressed latent codes: each row's code (for a variational model, the mean) quantized to
    /// <see cref="Precision"/>, as a known-size vector of <see cref="byte"/> (<see cref="CodeSize"/> bytes) that
    /// <c>mlContext.Data.SaveAsBinary</c> stores as is. <see cref="AutoencoderDecompressionTransformer"/> turns the column
    /// back into reconstructions. Made by <c>mlContext.Transforms.CompressAutoencoderCodes</c>.
    /// </summary>
    /// <remarks>
    /// The column holds the payload only, the bytes that <see cref="AutoencoderTransformer.Compress(float[][], CodePrecision)"/>
    /// writes between its header and its checksum: no fingerprint, no checksum (the pipeline that wrote the column is what
    /// ties it to its model). Rows are encoded in batches, as the autoencoder's own <c>Transform</c> does. Save and load it
    /// with <c>mlContext.Model.Save</c>/<c>Load</c>; the autoencoder is saved inside it. A transformer made from an
    /// autoencoder does not own it (dispose the autoencoder when done); a loaded one owns its copy and frees it when
    /// disposed (once for itself and once per <c>PredictionEngine</c>, as <see cref="AutoencoderTransformer"/> counts).
    /// See docs/compression.md.
    /// </remarks>
    public sealed class AutoencoderCompressionTransformer : ITransformer, IDisposable
    {
        private readonly bool _ownsAutoencoder;

        internal AutoencoderCompressionTransformer(AutoencoderTransformer autoencoder, string outputColumnName, string inputColumnName, CodePrecision precision, bool ownsAutoencoder)
        {
            Autoencoder = autoencoder;
            OutputColumnName = outputColumnName;
            InputColumnName = inputColumnName;
            Precision = precision;
            _ownsAutoencoder = ownsAutoencoder;
        }

        /// <summary>The autoencoder whose codes are compressed.</summary>
        public AutoencoderTransformer Autoencoder { get; }

        /// <summary>The compressed-code column's name.</summary>
        public string OutputColumnName { get; }

        /// <summary>The input column: a known-size vector of <see cref="AutoencoderTransformer.InputSize"/> floats.</summary>
        public string InputColumnName { get; }

        /// <summary>How each code value is stored.</summary>
        public CodePrecision Precision { get; }

        /// <summary>The bytes per row: the latent dimension, twice that for <see cref="CodePrecision.Float16"/>.</summary>
        public int CodeSize => CompressionBatch.CodeSize(Autoencoder.Model, Precision);

        /// <summary>Always <see langword="true"/>: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        /// <summary>The input schema plus the compressed-code column (a vector of <see cref="CodeSize"/> bytes).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a known-size vector of floats, or has another size than the autoencoder's input.</exception>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            int size = SchemaValidation.CheckInputColumn(inputSchema, InputColumnName, "data to compress");
            if (size != Autoencoder.InputSize)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{InputColumnName}' has {size} values, but the autoencoder was trained on {Autoencoder.InputSize}.");
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(inputSchema);
            builder.AddColumn(OutputColumnName, new VectorDataViewType(NumberDataViewType.Byte, CodeSize));
            return builder.ToSchema();
        }

        /// <summary>Adds the compressed-code column to <paramref name="input"/>, lazily, batch by batch.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a known-size vector of floats, or has another size than the autoencoder's input.</exception>
        /// <remarks>Reading a row with a NaN or infinite value (unless the autoencoder lets them through), or whose code does not fit the precision, throws an <see cref="InvalidOperationException"/> naming the row.</remarks>
        public IDataView Transform(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            return new CompressionDataView(Autoencoder.Model, Precision, InputColumnName, input, GetOutputSchema(input.Schema));
        }

        /// <summary>Returns a mapper of single rows, as <c>PredictionEngine</c> uses (see the remarks on who frees what).</summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            var mapper = new BatchedRowMapper<CompressionBatch>(
                CompressionBatch.Scorer(Autoencoder.Model, Precision, InputColumnName), inputSchema, GetOutputSchema(inputSchema));
            if (_ownsAutoencoder)
                Autoencoder.Hold();
            return mapper;
        }

        /// <summary>Writes the transformer, with its autoencoder, for <c>mlContext.Model.Save</c> (see docs/compression.md).</summary>
        void ICanSaveModel.Save(ModelSaveContext ctx)
            => CodeColumnSerializer.Save(ctx, CodeColumnSerializer.CompressorVersionInfo(), Autoencoder, InputColumnName, OutputColumnName, Precision);

        /// <summary>
        /// Releases one hold on a loaded transformer's autoencoder (the last frees its network); does nothing for one made
        /// from an autoencoder, which its owner disposes.
        /// </summary>
        public void Dispose()
        {
            if (_ownsAutoencoder)
                Autoencoder.Dispose();
        }
    }
}
