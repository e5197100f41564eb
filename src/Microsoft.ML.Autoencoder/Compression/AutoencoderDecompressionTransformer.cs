using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// The inverse of <see cref="AutoencoderCompressionTransformer"/>: reads a column of compressed codes (a known-size
    /// vector of <see cref="CodeSize"/> bytes at <see cref="Precision"/>), dequantizes each row's code and decodes it, and
    /// adds the reconstruction (a vector of <see cref="AutoencoderTransformer.InputSize"/> floats). Made by
    /// <c>mlContext.Transforms.DecompressAutoencoderCodes</c>.
    /// </summary>
    /// <remarks>
    /// Rows are decoded when the column is read, in batches of up to 1,024 (read ahead by a second cursor), as
    /// <see cref="AutoencoderTransformer.Decompress(byte[])"/> does; a shuffled cursor or a <c>PredictionEngine</c> decodes one
    /// row at a time. Ownership, saving and loading are as for
    /// <see cref="AutoencoderCompressionTransformer"/>. See docs/compression.md.
    /// </remarks>
    public sealed class AutoencoderDecompressionTransformer : ITransformer, IDisposable
    {
        private readonly bool _ownsAutoencoder;

        internal AutoencoderDecompressionTransformer(AutoencoderTransformer autoencoder, string outputColumnName, string inputColumnName, CodePrecision precision, bool ownsAutoencoder)
        {
            Autoencoder = autoencoder;
            OutputColumnName = outputColumnName;
            InputColumnName = inputColumnName;
            Precision = precision;
            _ownsAutoencoder = ownsAutoencoder;
        }

        /// <summary>The autoencoder that decodes the codes.</summary>
        public AutoencoderTransformer Autoencoder { get; }

        /// <summary>The reconstruction column's name.</summary>
        public string OutputColumnName { get; }

        /// <summary>The compressed-code column: a known-size vector of <see cref="CodeSize"/> bytes.</summary>
        public string InputColumnName { get; }

        /// <summary>How each code value was stored.</summary>
        public CodePrecision Precision { get; }

        /// <summary>The bytes per row: the latent dimension, twice that for <see cref="CodePrecision.Float16"/>.</summary>
        public int CodeSize => CompressionBatch.CodeSize(Autoencoder.Model, Precision);

        /// <summary>Always <see langword="true"/>: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        private DecompressionSettings Settings => new DecompressionSettings(Autoencoder.Model, InputColumnName, Precision);

        /// <summary>The input schema plus the reconstruction column.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The code column is missing or is not a vector of <see cref="CodeSize"/> bytes (for example, codes of another precision).</exception>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            var column = inputSchema.GetColumnOrNull(InputColumnName)
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Compressed-code column '{InputColumnName}' not found.");
            if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType type, Size: int size } vector || type != NumberDataViewType.Byte || size != CodeSize)
                throw new ArgumentOutOfRangeException(nameof(inputSchema),
                    $"Compressed-code column '{InputColumnName}' must be a vector of {CodeSize} bytes ({Autoencoder.LatentDimension} latent values at {Precision}), but is {column.Type}.");
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(inputSchema);
            builder.AddColumn(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, Autoencoder.InputSize));
            return builder.ToSchema();
        }

        /// <summary>Adds the reconstruction column to <paramref name="input"/>, lazily, batch by batch.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The code column is missing or is not a vector of <see cref="CodeSize"/> bytes.</exception>
        /// <remarks>Reading a row whose float16 code holds a NaN or infinite value throws an <see cref="InvalidOperationException"/> naming the row.</remarks>
        public IDataView Transform(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            return new DecompressionDataView(input, GetOutputSchema(input.Schema), Settings);
        }

        /// <summary>Returns a mapper of single rows, as <c>PredictionEngine</c> uses.</summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            var mapper = new Mapper(inputSchema, GetOutputSchema(inputSchema), Settings);
            if (_ownsAutoencoder)
                Autoencoder.Hold();
            return mapper;
        }

        /// <summary>Writes the transformer, with its autoencoder, for <c>mlContext.Model.Save</c> (see docs/compression.md).</summary>
        void ICanSaveModel.Save(ModelSaveContext ctx)
            => CodeColumnSerializer.Save(ctx, CodeColumnSerializer.DecompressorVersionInfo(), Autoencoder, InputColumnName, OutputColumnName, Precision);

        /// <summary>
        /// Releases one hold on a loaded transformer's autoencoder (the last frees its network); does nothing for one made
        /// from an autoencoder, which its owner disposes.
        /// </summary>
        public void Dispose()
        {
            if (_ownsAutoencoder)
                Autoencoder.Dispose();
        }

        private sealed class Mapper : IRowToRowMapper
        {
            private readonly DecompressionSettings _settings;

            public Mapper(DataViewSchema inputSchema, DataViewSchema outputSchema, DecompressionSettings settings)
            {
                InputSchema = inputSchema;
                OutputSchema = outputSchema;
                _settings = settings;
            }

            public DataViewSchema InputSchema { get; }

            public DataViewSchema OutputSchema { get; }

            public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
            {
                if (dependingColumns is null)
                    throw new ArgumentNullException(nameof(dependingColumns));
                var needed = dependingColumns.Select(c => c.Index < InputSchema.Count ? c.Index : InputSchema[_settings.InputColumnName].Index).ToHashSet();
                return InputSchema.Where(c => needed.Contains(c.Index));
            }

            public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
            {
                if (input is null)
                    throw new ArgumentNullException(nameof(input));
                if (activeColumns is null)
                    throw new ArgumentNullException(nameof(activeColumns));
                bool outputActive = activeColumns.Any(c => c.Index == InputSchema.Count);
                return DecompressionDataView.MapRow(input, OutputSchema, _settings, outputActive);
            }
        }
    }
}
