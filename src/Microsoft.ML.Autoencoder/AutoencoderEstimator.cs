using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Persistence;
using Microsoft.ML.Autoencoder.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Trains an autoencoder (an encoder and a decoder network, on TorchSharp) to reconstruct a
    /// float-vector column, and yields an <see cref="AutoencoderTransformer"/> that adds the latent code,
    /// the reconstruction and the per-row reconstruction error.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Input: one column of known-size <see cref="VectorDataViewType"/> of <see cref="float"/> with no
    /// missing or infinite values. Scale it first: <c>NormalizeMinMax</c> to [0, 1] pairs with the default
    /// sigmoid output; standardized data needs <see cref="OutputActivation.Identity"/>.
    /// </para>
    /// <para>
    /// Output: any of a latent column (vector of <see cref="Options.LatentDimension"/> floats), a
    /// reconstruction column (vector of the input size) and a reconstruction-error column (a float, the
    /// row's loss); for a variational model also a log-variance column. Other columns pass through unchanged.
    /// </para>
    /// <para>
    /// Variants, set through <see cref="Options"/> and combinable: <see cref="Options.Denoising"/>,
    /// <see cref="Options.Sparsity"/>, <see cref="Options.Contractive"/> and <see cref="Options.Variational"/>
    /// (see docs/variants). <see cref="Options.InitialModel"/> continues training from a trained model.
    /// </para>
    /// <para>
    /// Training runs mini-batches over shuffled rows until <see cref="Options.MaximumNumberOfEpochs"/> or
    /// until the monitored loss stops improving; each epoch is logged to <see cref="MLContext.Log"/>.
    /// The training column is read into memory once when it fits <see cref="Options.InMemoryBudgetBytes"/>, and streamed
    /// from a fresh cursor every epoch otherwise (<see cref="Options.DataMode"/>; docs/scaling.md).
    /// See <c>samples/Microsoft.ML.Autoencoder.Samples</c> for a comparison with PCA on Fashion-MNIST.
    /// </para>
    /// </remarks>
    public sealed partial class AutoencoderEstimator : IEstimator<AutoencoderTransformer>
    {
        private readonly IHost _host;
        private readonly Options _options;

        internal AutoencoderEstimator(IHostEnvironment environment, Options options)
        {
            if (environment is null)
                throw new ArgumentNullException(nameof(environment));
            if (options is null)
                throw new ArgumentNullException(nameof(options));
            options.Validate();
            _host = environment.Register(nameof(AutoencoderEstimator));
            _options = options.Clone();
        }

        /// <summary>
        /// Trains the autoencoder on the input column of <paramref name="input"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing or is not a known-size vector of floats, the latent dimension is not smaller than the input size, or the column's size does not fit the architecture's shape (for example an image's channels x height x width).</exception>
        /// <exception cref="ArgumentException">The initial model's shape differs from the configured one.</exception>
        /// <exception cref="InvalidOperationException">The data is empty, has NaN or infinite values (the row is named), or training diverged.</exception>
        /// <exception cref="OperationCanceledException">The MLContext's execution was cancelled.</exception>
        public AutoencoderTransformer Fit(IDataView input)
        {
            if (input is null)
                throw new ArgumentNullException(nameof(input));
            int inputSize = SchemaValidation.CheckInputColumn(input.Schema, _options.InputColumnName, "training data");
            // The trained model keeps its own options, with the architecture's shape resolved from the column.
            var options = _options.Clone();
            options.Architecture = options.Architecture.ForInputColumn(_options.InputColumnName, (VectorDataViewType)input.Schema[_options.InputColumnName].Type);
            options.CheckFitsInputSize(inputSize);
            options.CheckInitialModel(inputSize);
            if (_options.ValidationData is IDataView validation)
            {
                int validationSize = SchemaValidation.CheckInputColumn(validation.Schema, _options.InputColumnName, "validation data");
                if (validationSize != inputSize)
                    throw new ArgumentOutOfRangeException(nameof(Options.ValidationData), $"Column '{_options.InputColumnName}' has {validationSize} values in the validation data but {inputSize} in the training data.");
            }

            var trainer = new AutoencoderTrainer(_host, options, inputSize);
            var (network, history) = trainer.Train(input);
            var model = new AutoencoderModel(AutoencoderModelDescription.FromOptions(options, network), network, history);
            try
            {
                model.CodeRanges = CodeRangeFit.Fit(model, input); // the 8-bit compression ranges: one encode pass over the training data
            }
            catch
            {
                model.Dispose();
                throw;
            }
            return new AutoencoderTransformer(model);
        }

        /// <summary>
        /// Returns the schema the trained transformer will produce: the input columns plus the configured
        /// output columns.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing or is not a known-size vector of floats.</exception>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            if (inputSchema is null)
                throw new ArgumentNullException(nameof(inputSchema));
            if (!inputSchema.TryFindColumn(_options.InputColumnName, out var column))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{_options.InputColumnName}' not found.");
            if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{_options.InputColumnName}' must be a known-size vector of Single, but is {Describe(column)}.");

            var columns = inputSchema.ToDictionary(c => c.Name);
            foreach (var (name, output) in _options.OutputColumns())
            {
                var kind = output == OutputKind.ReconstructionError ? SchemaShape.Column.VectorKind.Scalar : SchemaShape.Column.VectorKind.Vector;
                columns[name] = MLNetInternals.CreateColumn(name, kind, NumberDataViewType.Single, isKey: false);
            }
            return new SchemaShape(columns.Values);
        }

        private static string Describe(SchemaShape.Column column)
            => column.Kind switch
            {
                SchemaShape.Column.VectorKind.Scalar => $"a scalar of {column.ItemType}",
                SchemaShape.Column.VectorKind.VariableVector => $"a variable-size vector of {column.ItemType}",
                _ => $"a vector of {column.ItemType}",
            };
    }
}
