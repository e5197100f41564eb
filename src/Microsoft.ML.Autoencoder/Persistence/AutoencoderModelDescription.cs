using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Persistence
{
    /// <summary>
    /// What a trained autoencoder is, besides its weights and history: the sizes, the columns it reads and writes,
    /// the output activation, the loss its error column reports and the architecture that rebuilds its network.
    /// The transformer keeps this instead of the estimator's options (which also hold training-only settings), and
    /// <see cref="AutoencoderModelSerializer"/> saves and loads exactly this.
    /// </summary>
    internal sealed class AutoencoderModelDescription
    {
        public AutoencoderModelDescription(
            int inputSize,
            int latentDimension,
            string inputColumnName,
            string? latentColumnName,
            string? logVarianceColumnName,
            string? reconstructionColumnName,
            string? reconstructionErrorColumnName,
            OutputActivation outputActivation,
            ReconstructionLoss loss,
            bool isVariational,
            AutoencoderArchitecture architecture,
            NonFiniteInputHandling nonFiniteInput = NonFiniteInputHandling.Throw)
        {
            InputSize = inputSize;
            LatentDimension = latentDimension;
            InputColumnName = inputColumnName;
            LatentColumnName = latentColumnName;
            LogVarianceColumnName = logVarianceColumnName;
            ReconstructionColumnName = reconstructionColumnName;
            ReconstructionErrorColumnName = reconstructionErrorColumnName;
            OutputActivation = outputActivation;
            Loss = loss;
            IsVariational = isVariational;
            Architecture = architecture;
            NonFiniteInput = nonFiniteInput;
        }

        public int InputSize { get; }

        public int LatentDimension { get; }

        public string InputColumnName { get; }

        public string? LatentColumnName { get; }

        /// <summary>The log-variance column of a variational model, or <see langword="null"/>.</summary>
        public string? LogVarianceColumnName { get; }

        public string? ReconstructionColumnName { get; }

        public string? ReconstructionErrorColumnName { get; }

        public OutputActivation OutputActivation { get; }

        public ReconstructionLoss Loss { get; }

        /// <summary>Whether the encoder outputs a latent distribution (see <see cref="AutoencoderNetwork.IsVariational"/>).</summary>
        public bool IsVariational { get; }

        /// <summary>How scoring treats input rows with NaN or infinite values.</summary>
        public NonFiniteInputHandling NonFiniteInput { get; }

        /// <summary>The architecture; a private copy, never the estimator's options' instance.</summary>
        public AutoencoderArchitecture Architecture { get; }

        /// <summary>
        /// The description of <paramref name="network"/>, trained with <paramref name="options"/>: the shape (sizes,
        /// variational or not) comes from the network itself, so the description always rebuilds the same network.
        /// </summary>
        public static AutoencoderModelDescription FromOptions(AutoencoderEstimator.Options options, AutoencoderNetwork network)
            => new AutoencoderModelDescription(
                network.InputSize,
                network.LatentDimension,
                options.InputColumnName,
                options.LatentColumnName,
                options.LogVarianceColumnName,
                options.ReconstructionColumnName,
                options.ReconstructionErrorColumnName,
                options.OutputActivation,
                options.Loss,
                network.IsVariational,
                options.Architecture.Clone(),
                options.NonFiniteInput);

        /// <summary>The output columns in schema order, with their types.</summary>
        public IEnumerable<(string Name, DataViewType Type, OutputKind Kind)> OutputColumns()
        {
            foreach (var (name, kind) in OutputColumnNames(LatentColumnName, LogVarianceColumnName, ReconstructionColumnName, ReconstructionErrorColumnName))
            {
                DataViewType type = kind switch
                {
                    OutputKind.ReconstructionError => NumberDataViewType.Single,
                    OutputKind.Reconstruction => new VectorDataViewType(NumberDataViewType.Single, InputSize),
                    _ => new VectorDataViewType(NumberDataViewType.Single, LatentDimension),
                };
                yield return (name, type, kind);
            }
        }

        /// <summary>
        /// The output columns in schema order (latent, log-variance, reconstruction, reconstruction error; the unnamed
        /// ones left out), shared with the estimator's promised schema (which knows no sizes before training).
        /// </summary>
        public static IEnumerable<(string Name, OutputKind Kind)> OutputColumnNames(
            string? latentColumnName, string? logVarianceColumnName, string? reconstructionColumnName, string? reconstructionErrorColumnName)
        {
            if (latentColumnName is not null)
                yield return (latentColumnName, OutputKind.Latent);
            if (logVarianceColumnName is not null)
                yield return (logVarianceColumnName, OutputKind.LogVariance);
            if (reconstructionColumnName is not null)
                yield return (reconstructionColumnName, OutputKind.Reconstruction);
            if (reconstructionErrorColumnName is not null)
                yield return (reconstructionErrorColumnName, OutputKind.ReconstructionError);
        }

        /// <summary>Creates the network the description's weights belong to (untrained: its weights are still to be set).</summary>
        public AutoencoderNetwork CreateNetwork() => Architecture.CreateNetwork(InputSize, LatentDimension, OutputActivation, IsVariational);

        /// <summary>
        /// Checks a description read from a saved model: every rule the estimator's options enforce before training
        /// holds, so that a corrupted file is refused instead of producing a transformer that fails later.
        /// </summary>
        /// <exception cref="InvalidDataException">A value is out of range or the values do not fit together; the message names it.</exception>
        public void CheckLoaded()
        {
            try
            {
                ModelRules.Check(InputColumnName, LatentColumnName, LogVarianceColumnName, ReconstructionColumnName, ReconstructionErrorColumnName,
                    LatentDimension, InputSize, OutputActivation, Loss, IsVariational, NonFiniteInput, Architecture,
                    (option, message, _) => new InvalidDataException($"{message} ({option})"));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"The architecture does not fit the model: {ex.Message}", ex);
            }
        }

        /// <summary>This description with another scoring policy for non-finite input (read after the rest of a saved model).</summary>
        public AutoencoderModelDescription WithNonFiniteInput(NonFiniteInputHandling nonFiniteInput)
            => new AutoencoderModelDescription(InputSize, LatentDimension, InputColumnName, LatentColumnName, LogVarianceColumnName, ReconstructionColumnName,
                ReconstructionErrorColumnName, OutputActivation, Loss, IsVariational, Architecture, nonFiniteInput);
    }
}
