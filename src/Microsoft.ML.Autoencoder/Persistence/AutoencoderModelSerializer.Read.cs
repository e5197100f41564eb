using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Persistence;
using Microsoft.ML.Autoencoder.Training;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Persistence
{
    // The reading side of the serializer: the model block read into memory and checked, then the network built and filled.
    internal static partial class AutoencoderModelSerializer
    {
        /// <summary>
        /// Reads the whole model block into memory, builds nothing: verifies the digest (0x00010003 on), reads the
        /// description, the state entries and the history, and checks the description and the sizes it implies.
        /// </summary>
        private static SavedModel ReadModel(ModelLoadContext ctx)
        {
            uint version = ctx.Header.ModelVerWritten;
            var block = ModelBlockReader.Open(ctx, hasDigest: version >= VersionIntegrity);
            var description = ReadDescription(block, version);
            var state = ReadState(block);
            var history = ReadHistory(block, version);
            if (version >= VersionIntegrity)
                description = description.WithNonFiniteInput((NonFiniteInputHandling)block.ReadInt32());
            var codeRanges = version >= VersionCompression ? ReadCodeRanges(block) : null;
            block.Finish(version >= VersionCompression ? "code ranges" : version >= VersionIntegrity ? "scoring settings" : "training history");
            description.CheckLoaded();
            if (codeRanges is not null && codeRanges.Dimension != description.LatentDimension)
                throw new InvalidDataException($"The model has code ranges for {codeRanges.Dimension} latent dimensions, but its latent dimension is {description.LatentDimension}.");
            CheckStateSize(description, state);
            return new SavedModel(description, state, history, codeRanges);
        }

        private static CodeRanges? ReadCodeRanges(ModelBlockReader block)
        {
            if (!block.ReadBoolean())
                return null;
            int dimension = block.ReadInt32();
            if (dimension <= 0 || dimension > block.Remaining / (2 * sizeof(float)))
                throw new InvalidDataException($"The model claims code ranges for {dimension} latent dimensions, more than the {block.Remaining} remaining bytes can hold.");
            var minimum = new float[dimension];
            var maximum = new float[dimension];
            for (int k = 0; k < dimension; k++)
                minimum[k] = block.ReadSingle();
            for (int k = 0; k < dimension; k++)
                maximum[k] = block.ReadSingle();
            try
            {
                return new CodeRanges(minimum, maximum);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException("The model's code ranges are damaged: " + ex.Message, ex);
            }
        }

        private static AutoencoderModelDescription ReadDescription(ModelBlockReader block, uint version)
        {
            int inputSize = block.ReadInt32();
            int latentDimension = block.ReadInt32();
            string inputColumnName = block.ReadNonEmptyString("input column name");
            string? latentColumnName = block.ReadStringOrNull("latent column name");
            string? reconstructionColumnName = block.ReadStringOrNull("reconstruction column name");
            string? reconstructionErrorColumnName = block.ReadStringOrNull("reconstruction-error column name");
            var outputActivation = (OutputActivation)block.ReadInt32();
            var loss = (ReconstructionLoss)block.ReadInt32();
            bool isVariational = block.ReadBoolean();
            string? logVarianceColumnName = version >= VersionVariants ? block.ReadStringOrNull("log-variance column name") : null;

            int length = block.ReadInt32();
            byte[] bytes = block.ReadBytes(length, "the architecture description");
            AutoencoderArchitecture architecture;
            using (var architectureReader = new BinaryReader(new MemoryStream(bytes, writable: false)))
            {
                architecture = AutoencoderArchitecture.Read(architectureReader);
                long unread = length - architectureReader.BaseStream.Position;
                if (unread != 0)
                    throw new InvalidDataException($"The architecture description ({architecture.GetType().Name}) has {unread} bytes more than it reads.");
            }

            return new AutoencoderModelDescription(
                inputSize, latentDimension, inputColumnName, latentColumnName, logVarianceColumnName, reconstructionColumnName, reconstructionErrorColumnName,
                outputActivation, loss, isVariational, architecture);
        }

        /// <summary>Reads the state entries as they are stored, checking each one's type, rank and size against the bytes left.</summary>
        private static IReadOnlyList<SavedTensor> ReadState(ModelBlockReader block)
        {
            const int smallestEntry = 3 * sizeof(int); // name, element type, rank
            int count = block.ReadInt32();
            if (count < 0 || count > block.Remaining / smallestEntry)
                throw new InvalidDataException($"The model claims {count} weight tensors, more than the {block.Remaining} remaining bytes can hold.");
            var state = new SavedTensor[count];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string name = block.ReadNonEmptyString($"name of weight tensor {i}");
                if (!seen.Add(name))
                    throw new InvalidDataException($"Weight tensor '{name}' appears twice.");
                var elementType = (ScalarType)block.ReadInt32();
                if (!s_elementTypes.Contains(elementType))
                    throw new InvalidDataException($"Weight tensor '{name}' has element type {(int)elementType}, which no autoencoder uses.");
                int rank = block.ReadInt32();
                if (rank < 0 || rank > MaximumRank)
                    throw new InvalidDataException($"Weight tensor '{name}' has rank {rank}.");
                var shape = new long[rank];
                long elements = 1; // saturates at long.MaxValue
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = block.ReadInt64();
                    if (shape[d] < 0)
                        throw new InvalidDataException($"Weight tensor '{name}' has a negative size {shape[d]}.");
                    elements = shape[d] == 0 || elements <= long.MaxValue / shape[d] ? elements * shape[d] : long.MaxValue;
                }
                long elementSize = ElementSize(elementType);
                long byteCount = elements <= long.MaxValue / elementSize ? elements * elementSize : long.MaxValue;
                if (byteCount > block.Remaining)
                    throw new InvalidDataException($"Weight tensor '{name}' of shape [{string.Join(", ", shape)}] needs {(byteCount == long.MaxValue ? "more than 2^63" : byteCount)} bytes, but the model block has {block.Remaining} left.");
                if (byteCount > int.MaxValue)
                    throw new InvalidDataException($"Weight tensor '{name}' of shape [{string.Join(", ", shape)}] is too large for this version to load ({byteCount} bytes).");
                state[i] = new SavedTensor(name, elementType, shape, elements, block.ReadBytes((int)byteCount, $"weight tensor '{name}'"));
            }
            return state;
        }

        private static long ElementSize(ScalarType elementType) => elementType switch
        {
            ScalarType.Float32 => sizeof(float),
            ScalarType.Int64 => sizeof(long),
            _ => throw new InvalidDataException($"Element type {(int)elementType} has no size."),
        };

        private static IReadOnlyList<EpochSummary> ReadHistory(ModelBlockReader block, uint version)
        {
            bool variants = version >= VersionVariants;
            int smallestRecord = sizeof(int) + sizeof(double) + sizeof(bool) + 2 * sizeof(double) + (variants ? 2 * sizeof(bool) : 0);
            int count = block.ReadInt32();
            if (count < 0 || count > block.Remaining / smallestRecord)
                throw new InvalidDataException($"The training history claims {count} epochs, more than the {block.Remaining} remaining bytes can hold.");
            var history = new EpochSummary[count];
            for (int i = 0; i < count; i++)
            {
                int epoch = block.ReadInt32();
                double trainingLoss = block.ReadDouble();
                double? validationLoss = block.ReadOptionalDouble();
                double learningRate = block.ReadDouble();
                double seconds = block.ReadDouble();
                double? regularizationLoss = variants ? block.ReadOptionalDouble() : null;
                double? kullbackLeiblerDivergence = variants ? block.ReadOptionalDouble() : null;
                history[i] = new EpochSummary(epoch, trainingLoss, validationLoss, learningRate, seconds, regularizationLoss, kullbackLeiblerDivergence);
            }
            return history;
        }

        /// <summary>
        /// Refuses a description whose network would have more values than the file holds, before the network is built:
        /// a damaged size must not make the loader allocate what the file cannot fill.
        /// </summary>
        private static void CheckStateSize(AutoencoderModelDescription description, IReadOnlyList<SavedTensor> state)
        {
            double needed = NetworkSizeBound.MinimumStateValues(description);
            long present = state.Sum(t => t.Elements);
            if (needed > present)
                throw new InvalidDataException(
                    $"The architecture ({description.Architecture.GetType().Name}, input size {description.InputSize}, latent dimension {description.LatentDimension}) " +
                    $"has at least {needed:0} weights, but the model holds {present}: its sizes are damaged.");
        }

        /// <summary>
        /// Builds the network whose weights are then read. Its constructor initializes weights from torch's process-wide
        /// generator, so this holds the trainers' lock and restores the generator's state: loading leaves seeded
        /// trainings and the caller's random numbers unchanged.
        /// </summary>
        private static AutoencoderNetwork CreateNetwork(AutoencoderModelDescription description)
        {
            lock (AutoencoderNetwork.GlobalGeneratorLock)
            {
                using var generatorState = torch.get_rng_state();
                try
                {
                    return description.CreateNetwork();
                }
                finally
                {
                    torch.set_rng_state(generatorState);
                }
            }
        }

        /// <summary>Overwrites every entry of the network's state dictionary with the saved one, checking names, types and shapes.</summary>
        private static void SetState(AutoencoderNetwork network, IReadOnlyList<SavedTensor> saved)
        {
            var state = network.state_dict();
            if (saved.Count != state.Count)
                throw new InvalidDataException($"The model has {saved.Count} weight tensors, but its architecture has {state.Count}.");
            foreach (var tensor in saved)
            {
                if (!state.TryGetValue(tensor.Name, out var target))
                    throw new InvalidDataException($"Weight tensor '{tensor.Name}' is not part of the architecture (it has {string.Join(", ", state.Keys)}).");
                if (tensor.ElementType != target.dtype)
                    throw new InvalidDataException($"Weight tensor '{tensor.Name}' has element type {(int)tensor.ElementType}, but the architecture needs {(int)target.dtype} ({target.dtype}).");
                if (!tensor.Shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"Weight tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}], but the architecture needs [{string.Join(", ", target.shape)}].");
                target.bytes = tensor.Bytes;
            }
        }

        /// <summary>A model block read into memory: nothing built yet.</summary>
        private sealed record SavedModel(AutoencoderModelDescription Description, IReadOnlyList<SavedTensor> State, IReadOnlyList<EpochSummary> History, CodeRanges? CodeRanges);

        /// <summary>One saved state entry: its name, element type, shape, number of values and raw bytes.</summary>
        private sealed record SavedTensor(string Name, ScalarType ElementType, long[] Shape, long Elements, byte[] Bytes);
    }
}
