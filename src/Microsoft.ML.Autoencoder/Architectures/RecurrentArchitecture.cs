using System;
using System.IO;
using Microsoft.ML.Data;

using Microsoft.ML.Autoencoder.Architectures;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// A recurrent (sequence-to-sequence) encoder and decoder for multivariate time series. Each input row
    /// is read as <c>[timesteps, features]</c> (time-major: the features of step 0, then of step 1, ...).
    /// The encoder runs an LSTM or GRU over the steps and maps its last hidden state linearly to the
    /// latent code; the decoder maps the code linearly to a hidden vector, repeats it over the timesteps,
    /// runs a second LSTM or GRU and maps each step's output linearly to the features.
    /// </summary>
    public sealed class RecurrentArchitecture : AutoencoderArchitecture
    {
        /// <summary>
        /// The number of timesteps per row, or <see langword="null"/> to take it from the input column's
        /// <c>[timesteps, features]</c> dimensions, or else from the column's size divided by
        /// <see cref="FeaturesPerStep"/>.
        /// </summary>
        public int? Timesteps { get; set; }

        /// <summary>
        /// The number of features per timestep, or <see langword="null"/> to take it from the input column's
        /// <c>[timesteps, features]</c> dimensions, or else from the column's size divided by
        /// <see cref="Timesteps"/>.
        /// </summary>
        public int? FeaturesPerStep { get; set; }

        /// <summary>The recurrent cell of the encoder and the decoder.</summary>
        public RecurrentCell Cell { get; set; } = RecurrentCell.Lstm;

        /// <summary>The size of the hidden state of every recurrent layer.</summary>
        public int HiddenSize { get; set; } = 64;

        /// <summary>The number of stacked recurrent layers in the encoder and in the decoder.</summary>
        public int Layers { get; set; } = 1;

        internal override void Validate()
        {
            if (Timesteps is int timesteps && timesteps <= 0)
                throw new ArgumentOutOfRangeException(nameof(Timesteps), timesteps, "The number of timesteps must be positive, or null to take it from the input column.");
            if (FeaturesPerStep is int features && features <= 0)
                throw new ArgumentOutOfRangeException(nameof(FeaturesPerStep), features, "The number of features per step must be positive, or null to take it from the input column.");
            if (!Enum.IsDefined(Cell))
                throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "Unknown recurrent cell.");
            if (HiddenSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "The hidden size must be positive.");
            if (Layers <= 0)
                throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "The number of layers must be positive.");
        }

        internal override AutoencoderArchitecture ForInputColumn(string columnName, VectorDataViewType columnType)
        {
            int size = columnType.Size;
            var dimensions = columnType.Dimensions;
            int? timesteps = Timesteps, features = FeaturesPerStep;
            if (dimensions.Length == 2)
            {
                timesteps ??= dimensions[0];
                features ??= dimensions[1];
            }
            if (timesteps is null && features is null)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.Architecture),
                    $"Input column '{columnName}' is a vector of {size} values without [timesteps, features] dimensions; " +
                    $"set the recurrent architecture's {nameof(Timesteps)} or {nameof(FeaturesPerStep)} (or both).");
            if (timesteps is null)
                timesteps = Divide(columnName, size, features!.Value, $"steps of {features} features");
            if (features is null)
                features = Divide(columnName, size, timesteps.Value, $"{timesteps} timesteps");
            long product = (long)timesteps.Value * features.Value;
            if (product != size)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.Architecture),
                    $"Input column '{columnName}' has {size} values, which cannot be read as timesteps x features = {timesteps} x {features} = {product}.");

            var resolved = (RecurrentArchitecture)Clone();
            resolved.Timesteps = timesteps;
            resolved.FeaturesPerStep = features;
            return resolved;
        }

        internal override AutoencoderNetwork CreateNetwork(int inputSize, int latentDimension, OutputActivation outputActivation, bool isVariational)
        {
            if (Timesteps is not int timesteps || FeaturesPerStep is not int features)
                throw new InvalidOperationException($"The recurrent architecture's {nameof(Timesteps)} and {nameof(FeaturesPerStep)} must be known before its network is created.");
            if ((long)timesteps * features != inputSize)
                throw new InvalidOperationException($"{inputSize} values cannot be read as timesteps x features = {timesteps} x {features} = {(long)timesteps * features}.");
            return new RecurrentNetwork(this, timesteps, features, latentDimension, outputActivation, isVariational);
        }

        private protected override ArchitectureKind Kind => ArchitectureKind.Recurrent;

        private protected override void WriteSettings(BinaryWriter writer)
        {
            WriteOptional(writer, Timesteps);
            WriteOptional(writer, FeaturesPerStep);
            writer.Write((int)Cell);
            writer.Write(HiddenSize);
            writer.Write(Layers);
        }

        internal static RecurrentArchitecture ReadSettings(BinaryReader reader) => new RecurrentArchitecture
        {
            Timesteps = ReadOptional(reader),
            FeaturesPerStep = ReadOptional(reader),
            Cell = (RecurrentCell)reader.ReadInt32(),
            HiddenSize = reader.ReadInt32(),
            Layers = reader.ReadInt32(),
        };

        internal override AutoencoderArchitecture Clone() => new RecurrentArchitecture
        {
            Timesteps = Timesteps,
            FeaturesPerStep = FeaturesPerStep,
            Cell = Cell,
            HiddenSize = HiddenSize,
            Layers = Layers,
        };

        private static int Divide(string columnName, int size, int divisor, string reading)
        {
            if (size % divisor != 0)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.Architecture),
                    $"Input column '{columnName}' has {size} values, which cannot be read as {reading}: {size} is not a multiple of {divisor}.");
            return size / divisor;
        }
    }
}
