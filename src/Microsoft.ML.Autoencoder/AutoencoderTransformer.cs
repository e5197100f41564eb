using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Persistence;
using Microsoft.ML.Autoencoder.Training;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

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
    /// </summary>
    /// <remarks>
    /// The transformer holds the network's weights in native (libtorch) memory; dispose it to free them at once.
    /// It may be used from several threads (for example one <c>PredictionEngine</c> per thread);
    /// forward passes are serialized.
    /// Save it (alone or in a pipeline) with <c>mlContext.Model.Save</c> and load it with <c>mlContext.Model.Load</c>
    /// in any process that references this library; the loaded transformer gives bit-identical outputs and keeps
    /// the <see cref="TrainingHistory"/> (see docs/persistence.md).
    /// </remarks>
    public sealed class AutoencoderTransformer : ITransformer, IDisposable
    {
        /// <summary>The number of rows run through the network at once at inference.</summary>
        internal const int InferenceBatchSize = 1024;

        private readonly AutoencoderModelDescription _description;
        private readonly AutoencoderNetwork _network;
        private readonly object _networkLock = new object();
        private readonly Device _device;
        private bool _disposed;

        /// <summary>
        /// Wraps a trained (or loaded) network, which the transformer then owns. <paramref name="description"/> must
        /// describe <paramref name="network"/>.
        /// </summary>
        internal AutoencoderTransformer(AutoencoderModelDescription description, AutoencoderNetwork network, IReadOnlyList<EpochSummary> history)
        {
            _description = description;
            _network = network;
            _network.eval();
            _device = network.parameters().FirstOrDefault()?.device ?? torch.CPU;
            TrainingHistory = history;
        }

        /// <summary>The number of values in one input row.</summary>
        public int InputSize => _description.InputSize;

        /// <summary>The size of the latent code.</summary>
        public int LatentDimension => _description.LatentDimension;

        /// <summary>The input column's name.</summary>
        public string InputColumnName => _description.InputColumnName;

        /// <summary>The latent column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? LatentColumnName => _description.LatentColumnName;

        /// <summary>
        /// Whether the model is a variational autoencoder: its latent column and <see cref="Encode(float[])"/>
        /// give the mean of the latent distribution, and <see cref="Sample(int, int)"/> is available.
        /// </summary>
        public bool IsVariational => _description.IsVariational;

        /// <summary>The log-variance column's name (variational models only), or <see langword="null"/> when it is not produced.</summary>
        public string? LogVarianceColumnName => _description.LogVarianceColumnName;

        /// <summary>The reconstruction column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? ReconstructionColumnName => _description.ReconstructionColumnName;

        /// <summary>The reconstruction-error column's name, or <see langword="null"/> when it is not produced.</summary>
        public string? ReconstructionErrorColumnName => _description.ReconstructionErrorColumnName;

        /// <summary>The loss the model was trained with, which the reconstruction-error column reports.</summary>
        public ReconstructionLoss Loss => _description.Loss;

        /// <summary>One entry per training epoch, in order.</summary>
        public IReadOnlyList<EpochSummary> TrainingHistory { get; }

        /// <summary>Always <see langword="true"/>: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        /// <summary>
        /// Returns the schema of <see cref="Transform"/>'s output: the input columns plus the output columns.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a known-size vector of floats, or has another size than in training.</exception>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            CheckInput(inputSchema);
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(inputSchema);
            foreach (var (name, type, _) in OutputColumns)
                builder.AddColumn(name, type);
            return builder.ToSchema();
        }

        /// <summary>Adds the output columns to <paramref name="input"/>, lazily, batch by batch.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing, is not a known-size vector of floats, or has another size than in training.</exception>
        public IDataView Transform(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            return new AutoencoderDataView(this, input, GetOutputSchema(input.Schema));
        }

        /// <summary>Returns a mapper of single rows, as <c>PredictionEngine</c> uses.</summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            return new AutoencoderRowMapper(this, inputSchema, GetOutputSchema(inputSchema));
        }

        /// <summary>
        /// Writes the model for <c>mlContext.Model.Save</c>; <c>mlContext.Model.Load</c> reads it back in any process that
        /// references this library. The format is described in <see cref="AutoencoderModelSerializer"/> and docs/persistence.md.
        /// </summary>
        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            lock (_networkLock)
            {
                ThrowIfDisposed();
                AutoencoderModelSerializer.Save(ctx, _description, _network, TrainingHistory);
            }
        }

        /// <summary>Encodes rows to latent codes (for a variational model, the means of their latent distributions).</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <returns>The latent codes, <see cref="LatentDimension"/> values per row.</returns>
        public float[] Encode(float[] rows)
        {
            int count = CountRows(rows, InputSize, nameof(rows));
            var latent = new float[count * LatentDimension];
            Map(rows, count, latent, null, null, null);
            return latent;
        }

        /// <summary>Decodes latent codes to data: this is how an autoencoder generates new rows.</summary>
        /// <param name="latent">Latent codes of <see cref="LatentDimension"/> values, one after the other.</param>
        /// <returns>The decoded rows, <see cref="InputSize"/> values per row.</returns>
        public float[] Decode(float[] latent)
        {
            int count = CountRows(latent, LatentDimension, nameof(latent));
            var rows = new float[count * InputSize];
            lock (_networkLock)
            {
                ThrowIfDisposed();
                using var noGrad = torch.no_grad();
                for (int start = 0; start < count; start += InferenceBatchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    int batch = Math.Min(InferenceBatchSize, count - start);
                    var input = TensorConversion.ToTensor(latent.AsSpan(start * LatentDimension), batch, LatentDimension, _device);
                    TensorConversion.CopyTo(_network.Decode(input), rows.AsSpan(start * InputSize, batch * InputSize));
                }
            }
            return rows;
        }

        /// <summary>Reconstructs rows: encodes, then decodes them.</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <returns>The reconstructions, <see cref="InputSize"/> values per row.</returns>
        public float[] Reconstruct(float[] rows)
        {
            int count = CountRows(rows, InputSize, nameof(rows));
            var reconstruction = new float[count * InputSize];
            Map(rows, count, null, null, reconstruction, null);
            return reconstruction;
        }

        /// <summary>Computes each row's reconstruction error, the anomaly score.</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <returns>One error per row: the <see cref="Loss"/> averaged over the row's values.</returns>
        public float[] GetReconstructionErrors(float[] rows)
        {
            int count = CountRows(rows, InputSize, nameof(rows));
            var errors = new float[count];
            Map(rows, count, null, null, null, errors);
            return errors;
        }

        /// <summary>
        /// Generates rows by drawing latent vectors from the standard normal prior and decoding them; a
        /// variational model only.
        /// </summary>
        /// <param name="count">The number of rows to generate.</param>
        /// <param name="seed">The seed of the draws: the same seed gives the same rows.</param>
        /// <returns>The generated rows, <see cref="InputSize"/> values per row.</returns>
        /// <exception cref="InvalidOperationException">The model is not variational.</exception>
        public float[] Sample(int count, int seed)
        {
            if (count < 0)
                throw new ArgumentOutOfRangeException(nameof(count), count, "The number of rows to sample must be zero or positive.");
            if (!IsVariational)
                throw new InvalidOperationException(
                    "Sampling from the prior needs a variational autoencoder (trained with Options.Variational): a plain autoencoder's latent codes follow no known distribution, "
                    + "so decoding random vectors gives arbitrary output. Decode latent vectors of your choice instead, for example codes from Encode, "
                    + "perturbations of them, or the path of Interpolate.");
            var latent = new float[checked(count * LatentDimension)];
            using (var generator = new Generator(unchecked((ulong)seed)))
            using (var scope = torch.NewDisposeScope())
                TensorConversion.CopyTo(torch.randn(new long[] { count, LatentDimension }, generator: generator), latent);
            return Decode(latent);
        }

        /// <summary>
        /// Decodes <paramref name="steps"/> evenly spaced points on the line between the latent codes of two
        /// rows (for a variational model, their means), both ends included: the first row is the
        /// reconstruction of <paramref name="from"/>, the last that of <paramref name="to"/>.
        /// </summary>
        /// <param name="from">The row where the path starts, <see cref="InputSize"/> values.</param>
        /// <param name="to">The row where the path ends, <see cref="InputSize"/> values.</param>
        /// <param name="steps">The number of rows to return; at least 2.</param>
        /// <returns>The decoded path, <see cref="InputSize"/> values per row.</returns>
        public float[] Interpolate(float[] from, float[] to, int steps)
        {
            CheckRow(from, nameof(from));
            CheckRow(to, nameof(to));
            if (steps < 2)
                throw new ArgumentOutOfRangeException(nameof(steps), steps, "An interpolation has at least 2 steps (its two ends).");
            var ends = new float[2 * InputSize];
            from.CopyTo(ends, 0);
            to.CopyTo(ends, InputSize);
            var codes = new float[2 * LatentDimension];
            Map(ends, 2, codes, null, null, null);

            int dimension = LatentDimension;
            var path = new float[checked(steps * dimension)];
            for (int step = 0; step < steps; step++)
            {
                // t is exactly 0 at the first step and exactly 1 at the last, so the ends are the rows' own codes.
                float t = step / (float)(steps - 1);
                for (int k = 0; k < dimension; k++)
                    path[step * dimension + k] = (1 - t) * codes[k] + t * codes[dimension + k];
            }
            return Decode(path);
        }

        /// <summary>Frees the network's native memory. The transformer cannot be used afterwards.</summary>
        public void Dispose()
        {
            lock (_networkLock)
            {
                if (_disposed)
                    return;
                _disposed = true;
                _network.Dispose();
            }
        }

        internal IEnumerable<(string Name, DataViewType Type, OutputKind Kind)> OutputColumns => _description.OutputColumns();

        /// <summary>
        /// Runs the first <paramref name="rowCount"/> rows of <paramref name="input"/> through the network in
        /// batches and writes the requested outputs (a <see langword="null"/> buffer is not computed).
        /// </summary>
        internal void Map(float[] input, int rowCount, float[]? latent, float[]? logVariance, float[]? reconstruction, float[]? errors)
            => Map(input, 0, viewable: false, rowCount, latent, logVariance, reconstruction, errors);

        /// <summary>
        /// Runs <paramref name="rowCount"/> rows, starting at element <paramref name="offset"/> of
        /// <paramref name="input"/>, through the network. When <paramref name="viewable"/> (the array is pinned and
        /// the offset 64-byte aligned, as in <see cref="Data.OutputBuffers"/>) and the model is on the CPU, the rows
        /// are read in place; otherwise they are copied into libtorch's (aligned) memory first. Alignment matters
        /// beyond speed: MKL sums in another order on unaligned memory, which would change the outputs' last bits.
        /// </summary>
        internal void Map(float[] input, int offset, bool viewable, int rowCount, float[]? latent, float[]? logVariance, float[]? reconstruction, float[]? errors)
        {
            bool decode = reconstruction is not null || errors is not null;
            lock (_networkLock)
            {
                ThrowIfDisposed();
                using var noGrad = torch.no_grad();
                for (int start = 0; start < rowCount; start += InferenceBatchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    int batch = Math.Min(InferenceBatchSize, rowCount - start);
                    var x = viewable && _device.type == DeviceType.CPU
                        ? TensorConversion.View(input, offset + start * InputSize, batch, InputSize)
                        : TensorConversion.ToTensor(input.AsSpan(offset + start * InputSize), batch, InputSize, _device);
                    Tensor code;
                    if (logVariance is not null)
                    {
                        (code, var logVarianceBatch) = _network.EncodeDistribution(x);
                        TensorConversion.CopyTo(logVarianceBatch, logVariance.AsSpan(start * LatentDimension, batch * LatentDimension));
                    }
                    else
                    {
                        code = _network.Encode(x);
                    }
                    if (latent is not null)
                        TensorConversion.CopyTo(code, latent.AsSpan(start * LatentDimension, batch * LatentDimension));
                    if (!decode)
                        continue;
                    var logits = _network.DecodeToLogits(code);
                    if (reconstruction is not null)
                        TensorConversion.CopyTo(_network.ApplyOutputActivation(logits), reconstruction.AsSpan(start * InputSize, batch * InputSize));
                    if (errors is not null)
                        TensorConversion.CopyTo(_network.RowLoss(logits, x, _description.Loss), errors.AsSpan(start, batch));
                }
            }
        }

        /// <summary>
        /// Copies this model's weights into <paramref name="network"/>, a new network of the same
        /// architecture (warm start).
        /// </summary>
        /// <exception cref="ArgumentException">A parameter is missing or has another shape (the architectures differ).</exception>
        internal void CopyWeightsTo(AutoencoderNetwork network)
        {
            lock (_networkLock)
            {
                ThrowIfDisposed();
                var source = _network.state_dict();
                var target = network.state_dict();
                foreach (var name in source.Keys.Union(target.Keys))
                {
                    if (!source.TryGetValue(name, out var from) || !target.TryGetValue(name, out var to))
                        throw new ArgumentException(
                            $"The initial model's network {(source.ContainsKey(name) ? "has" : "lacks")} the parameter '{name}' that the configured architecture {(source.ContainsKey(name) ? "lacks" : "has")}: configure the initial model's architecture.",
                            nameof(AutoencoderEstimator.Options.InitialModel));
                    if (!from.shape.SequenceEqual(to.shape))
                        throw new ArgumentException(
                            $"The initial model's parameter '{name}' has shape [{string.Join(", ", from.shape)}], but the configured architecture's has [{string.Join(", ", to.shape)}]: configure the initial model's architecture.",
                            nameof(AutoencoderEstimator.Options.InitialModel));
                }
                using var noGrad = torch.no_grad();
                foreach (var (name, tensor) in target)
                    tensor.copy_(source[name]);
            }
        }

        private void CheckRow(float[] row, string parameterName)
        {
            if (row is null)
                throw new ArgumentNullException(parameterName);
            if (row.Length != InputSize)
                throw new ArgumentException($"The row has {row.Length} values; the autoencoder takes {InputSize}.", parameterName);
        }

        private void CheckInput(DataViewSchema inputSchema)
        {
            int size = SchemaValidation.CheckInputColumn(inputSchema, InputColumnName, "input data");
            if (size != InputSize)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{InputColumnName}' has {size} values, but the autoencoder was trained on {InputSize}.");
        }

        private static int CountRows(float[] values, int rowSize, string parameterName)
        {
            if (values is null)
                throw new ArgumentNullException(parameterName);
            if (values.Length % rowSize != 0)
                throw new ArgumentException($"The array's length {values.Length} is not a multiple of the row size {rowSize}.", parameterName);
            return values.Length / rowSize;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
                throw new ObjectDisposedException(nameof(AutoencoderTransformer),
                    "The autoencoder was disposed, which freed its network. Note that disposing a PredictionEngine disposes the model it was created with, "
                    + "unless it was created with new PredictionEngineOptions { OwnsTransformer = false }, as engines that share one model must be.");
        }
    }
}
