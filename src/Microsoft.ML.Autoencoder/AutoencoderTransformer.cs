using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// A trained autoencoder. <see cref="Transform"/> adds the latent code, the reconstruction and the
    /// reconstruction error of the input column, and for a variational model the log-variance (whichever
    /// were named in the options); the
    /// <see cref="Encode(float[])"/>, <see cref="Decode(float[])"/> and <see cref="Reconstruct(float[])"/>
    /// methods do the same on plain arrays. <see cref="Decode(float[])"/> generates new data from latent vectors,
    /// <see cref="Interpolate(float[], float[], int)"/> along the line between two rows' codes, and, for a
    /// variational model, <see cref="Sample(int, int)"/> from the prior (see docs/generation.md).
    /// <see cref="Compress(float[][], CodePrecision)"/> and <see cref="Decompress(byte[])"/> store codes as checked bytes
    /// (see docs/compression.md).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The transformer holds the network's weights in native (libtorch) memory. It may be used from several threads (for
    /// example one <c>PredictionEngine</c> per thread); forward passes are serialized. Who frees that memory: each
    /// <c>PredictionEngine</c> made from the transformer (alone or in a pipeline) disposes it once when the engine is
    /// disposed, so the transformer counts the engines it serves; the network is freed when the transformer has been
    /// disposed once for itself and once for each engine, that is, when its owner and every engine are done with it.
    /// Until then, disposing one engine leaves the others working. Left undisposed, the memory is freed by the garbage
    /// collector (TorchSharp's finalizers). See docs/reliability.md.
    /// </para>
    /// <para>
    /// Save it (alone or in a pipeline) with <c>mlContext.Model.Save</c> and load it with <c>mlContext.Model.Load</c>
    /// in any process that references this library; the loaded transformer has exactly the saved weights, gives
    /// bit-identical outputs on the same machine and keeps the <see cref="TrainingHistory"/> (see docs/persistence.md).
    /// </para>
    /// </remarks>
    public sealed partial class AutoencoderTransformer : ITransformer, IDisposable
    {
        private readonly AutoencoderModel _model;

        /// <summary>The transformer's own hold on the model, plus one per row mapper handed out (see the remarks).</summary>
        private int _holds = 1;

        internal AutoencoderTransformer(AutoencoderModel model) => _model = model;

        private AutoencoderModelDescription Description => _model.Description;

        /// <summary>The number of values in one input row.</summary>
        public int InputSize => Description.InputSize;

        /// <summary>The size of the latent code.</summary>
        public int LatentDimension => Description.LatentDimension;

        /// <summary>The input column's name.</summary>
        public string InputColumnName => Description.InputColumnName;

        /// <summary>The latent column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? LatentColumnName => Description.LatentColumnName;

        /// <summary>
        /// Whether the model is a variational autoencoder: its latent column and <see cref="Encode(float[])"/>
        /// give the mean of the latent distribution, and <see cref="Sample(int, int)"/> is available.
        /// </summary>
        public bool IsVariational => Description.IsVariational;

        /// <summary>The log-variance column's name (variational models only), or <see langword="null"/> when it is not produced.</summary>
        public string? LogVarianceColumnName => Description.LogVarianceColumnName;

        /// <summary>The reconstruction column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? ReconstructionColumnName => Description.ReconstructionColumnName;

        /// <summary>The reconstruction-error column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? ReconstructionErrorColumnName => Description.ReconstructionErrorColumnName;

        /// <summary>The loss the model was trained with, which the reconstruction-error column reports.</summary>
        public ReconstructionLoss Loss => Description.Loss;

        /// <summary>How scoring treats input rows with NaN or infinite values (see <see cref="AutoencoderEstimator.Options.NonFiniteInput"/>).</summary>
        public NonFiniteInputHandling NonFiniteInput => Description.NonFiniteInput;

        /// <summary>One entry per training epoch, in order.</summary>
        public IReadOnlyList<EpochSummary> TrainingHistory => _model.History;

        /// <summary>Always <see langword="true"/>: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        /// <summary>The trained state, for the library's own components (warm start, tools).</summary>
        internal AutoencoderModel Model => _model;

        /// <summary>
        /// Returns the schema of <see cref="Transform"/>'s output: the input columns plus the output columns.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a known-size vector of floats, or has another size than in training.</exception>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            int size = SchemaValidation.CheckInputColumn(inputSchema, InputColumnName, "input data");
            if (size != InputSize)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{InputColumnName}' has {size} values, but the autoencoder was trained on {InputSize}.");
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(inputSchema);
            foreach (var (name, type, _) in Description.OutputColumns())
                builder.AddColumn(name, type);
            return builder.ToSchema();
        }

        /// <summary>Adds the output columns to <paramref name="input"/>, lazily, batch by batch.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a known-size vector of floats, or has another size than in training.</exception>
        /// <remarks>Reading a row whose vector has another length than its column's type, or (unless the model lets them through) a NaN or infinite value, throws an <see cref="InvalidOperationException"/> naming the row.</remarks>
        public IDataView Transform(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            return new AutoencoderDataView(_model, input, GetOutputSchema(input.Schema));
        }

        /// <summary>
        /// Returns a mapper of single rows, as <c>PredictionEngine</c> uses. Each call counts as one more user of the
        /// network, released by one more <see cref="Dispose"/> (see the remarks on the class).
        /// </summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            var mapper = new BatchedRowMapper<BatchBuffers>(BatchBuffers.Scorer(_model), inputSchema, GetOutputSchema(inputSchema));
            Hold();
            return mapper;
        }

        /// <summary>
        /// Writes the model for <c>mlContext.Model.Save</c>; <c>mlContext.Model.Load</c> reads it back in any process that
        /// references this library. The format is described in <see cref="AutoencoderModelSerializer"/> and docs/persistence.md.
        /// </summary>
        void ICanSaveModel.Save(ModelSaveContext ctx) => _model.Save(ctx);

        /// <summary>
        /// Releases one hold on the network: the transformer's own, or that of a <c>PredictionEngine</c> made from it. The
        /// last release frees the network's native memory; the transformer cannot be used afterwards.
        /// </summary>
        public void Dispose()
        {
            int holds;
            do
            {
                holds = Volatile.Read(ref _holds);
                if (holds == 0)
                    return;
            }
            while (Interlocked.CompareExchange(ref _holds, holds - 1, holds) != holds);
            if (holds == 1)
                _model.Dispose();
        }

        /// <summary>Adds a hold on the network (a row mapper handed out, here or by a transformer over this one), released by one <see cref="Dispose"/>.</summary>
        internal void Hold()
        {
            int holds;
            do
            {
                holds = Volatile.Read(ref _holds);
                if (holds == 0)
                    throw new ObjectDisposedException(nameof(AutoencoderTransformer), "The autoencoder was disposed, which freed its network.");
            }
            while (Interlocked.CompareExchange(ref _holds, holds + 1, holds) != holds);
        }
    }
}
