using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Persistence;
using Microsoft.ML.Autoencoder.Training;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

// Tells ML.NET's ComponentCatalog how to load a saved AutoencoderTransformer: when mlContext.Model.Load meets a model
// entry whose header names this loader signature, it calls AutoencoderModelSerializer.Create(env, ctx). ML.NET finds
// this attribute by itself: the entry's header records this assembly's name, which ML.NET loads and registers.
[assembly: LoadableClass(typeof(AutoencoderTransformer), typeof(AutoencoderModelSerializer), null, typeof(SignatureLoadModel),
    AutoencoderModelSerializer.UserName, AutoencoderModelSerializer.LoaderSignature)]

namespace Microsoft.ML.Autoencoder.Persistence
{
    /// <summary>
    /// Saves an <see cref="AutoencoderTransformer"/> in ML.NET's model format (one <c>Model.key</c> entry of the model
    /// zip, as ML.NET's own transformers do) and loads it back. This folder (with <see cref="ModelBlockWriter"/> and
    /// <see cref="ModelBlockReader"/>) and <c>Interop/</c> are the only places that use ML.NET's internal persistence API
    /// (<see cref="ModelSaveContext"/>, <see cref="ModelLoadContext"/>, <see cref="VersionInfo"/>,
    /// <see cref="LoadableClassAttribute"/>, the entry's string table); see docs/persistence.md.
    /// </summary>
    internal static class AutoencoderModelSerializer
    {
        /// <summary>The name ML.NET's catalog knows the loader by (at most 24 ASCII characters; never change it).</summary>
        internal const string LoaderSignature = "AutoencoderTransformer";

        /// <summary>The loader's display name.</summary>
        internal const string UserName = "Autoencoder Transformer";

        /// <summary>The torch element types a saved state entry may have (values of <see cref="ScalarType"/>).</summary>
        private static readonly ScalarType[] s_elementTypes = { ScalarType.Float32, ScalarType.Int64 };

        /// <summary>More dimensions than any tensor of an autoencoder has; a larger rank means a corrupt file.</summary>
        private const int MaximumRank = 16;

        // Version history (ModelVerWritten in the entry's header; bump verWrittenCur for every change of the layout,
        // and read the older layouts conditionally on ctx.Header.ModelVerWritten):
        //   0x00010001  Initial: sizes, column names, output activation, loss, variational flag, length-prefixed
        //               architecture, state dictionary, training history.
        //   0x00010002  Variants: the log-variance column name after the variational flag, and each history epoch's
        //               regularization loss and KL divergence (optional doubles) after its seconds. Readers of
        //               0x00010001 cannot read it (verReadableCur); this version reads both.
        //   0x00010003  Integrity: the block ends in a SHA-256 digest of its bytes and of the entry's string table,
        //               verified before anything is read; before the digest, the scoring policy for non-finite input
        //               (older models score as NonFiniteInputHandling.Throw). Readers of 0x00010002 would refuse the digest as trailing
        //               bytes (verReadableCur); this version reads all three.
        private const uint VersionInitial = 0x00010001;
        private const uint VersionVariants = 0x00010002;
        private const uint VersionIntegrity = 0x00010003;

        internal static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "AUTOENCD", // exactly 8 ASCII characters
                verWrittenCur: VersionIntegrity,
                verReadableCur: VersionIntegrity,
                verWeCanReadBack: VersionInitial,
                loaderSignature: LoaderSignature,
                // The short name: ML.NET passes it to Assembly.Load, and a full name would pin the assembly version.
                loaderAssemblyName: typeof(AutoencoderModelSerializer).Assembly.GetName().Name);

        // *** Binary format *** (the model block of the entry, after ML.NET's 256-byte header; little-endian;
        // "string" is an int index into the entry's string table, -1 for none)
        //   int        input size
        //   int        latent dimension (positive, smaller than the input size)
        //   string     input column name
        //   string     latent column name, or -1
        //   string     reconstruction column name, or -1
        //   string     reconstruction-error column name, or -1 (at least one of the three is named)
        //   int        output activation (OutputActivation)
        //   int        loss (ReconstructionLoss)
        //   bool       whether the network is variational (its encoder outputs mean and log-variance; one byte)
        //   string     log-variance column name, or -1 (only when variational)                          [0x00010002]
        //   int        byte count n of the architecture description
        //   byte[n]    architecture description: AutoencoderArchitecture.Write (int kind tag, then the kind's settings);
        //              the reader must consume exactly n bytes
        //   int        number m of state entries (the network's state_dict(): parameters and buffers such as
        //              BatchNorm's running statistics)
        //   m times, in state_dict() order:
        //     string   entry name, e.g. "_encoder.linear0.weight"
        //     int      element type: torch ScalarType (6 = Float32 for weights and running statistics,
        //              4 = Int64 for BatchNorm's num_batches_tracked)
        //     int      rank r
        //     long[r]  shape
        //     byte[]   the values, row-major, little-endian: product(shape) * element size bytes
        //   int        number h of training epochs
        //   h times:
        //     int      epoch number
        //     double   training loss
        //     bool     whether a validation loss follows (one byte)
        //     double   validation loss (only when the flag is true)
        //     double   learning rate
        //     double   seconds
        //     bool     whether a regularization loss follows (one byte)                                 [0x00010002]
        //     double   regularization loss (only when the flag is true)                                 [0x00010002]
        //     bool     whether a KL divergence follows (one byte)                                       [0x00010002]
        //     double   KL divergence (only when the flag is true)                                       [0x00010002]
        //   int        scoring of non-finite input (NonFiniteInputHandling: 0 throw, 1 propagate)           [0x00010003]
        //   byte[32]   SHA-256 of the block's bytes before it, then of the entry's string table: int string count, and
        //              per string in table order its int length in UTF-16 code units and the code units  [0x00010003]
        //              (ModelBlockDigest)
        //
        // The loader verifies the digest first, then reads everything into memory, checks the description as the
        // estimator checks its options and the sizes it implies against the values present (NetworkSizeBound), and
        // only then builds the network.

        /// <summary>Writes the model into <paramref name="ctx"/> (called by the transformer's <see cref="ICanSaveModel.Save"/>).</summary>
        internal static void Save(ModelSaveContext ctx, AutoencoderModelDescription description, AutoencoderNetwork network, IReadOnlyList<EpochSummary> history)
        {
            Contracts.CheckValue(ctx, nameof(ctx));
            CheckLittleEndian();
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());

            using var block = new ModelBlockWriter(ctx);
            WriteDescription(block, description);
            WriteState(block, network);
            WriteHistory(block, history);
            block.Write((int)description.NonFiniteInput);
            block.Finish();
        }

        /// <summary>The description's fields, in the order <see cref="ReadDescription"/> reads them (a new field goes in both, under a new version).</summary>
        private static void WriteDescription(ModelBlockWriter block, AutoencoderModelDescription description)
        {
            block.Write(description.InputSize);
            block.Write(description.LatentDimension);
            block.WriteNonEmptyString(description.InputColumnName);
            block.WriteStringOrNull(description.LatentColumnName);
            block.WriteStringOrNull(description.ReconstructionColumnName);
            block.WriteStringOrNull(description.ReconstructionErrorColumnName);
            block.Write((int)description.OutputActivation);
            block.Write((int)description.Loss);
            block.Write(description.IsVariational);
            block.WriteStringOrNull(description.LogVarianceColumnName);

            using var buffer = new MemoryStream();
            using (var architectureWriter = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
                description.Architecture.Write(architectureWriter);
            block.Write(checked((int)buffer.Length));
            block.Write(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        private static void WriteState(ModelBlockWriter block, AutoencoderNetwork network)
        {
            var state = network.state_dict();
            block.Write(state.Count);
            foreach (var (name, tensor) in state)
            {
                block.WriteNonEmptyString(name);
                block.Write((int)tensor.dtype);
                block.Write((int)tensor.dim());
                foreach (long size in tensor.shape)
                    block.Write(size);
                using var scope = torch.NewDisposeScope();
                block.Write(tensor.detach().cpu().contiguous().bytes);
            }
        }

        private static void WriteHistory(ModelBlockWriter block, IReadOnlyList<EpochSummary> history)
        {
            block.Write(history.Count);
            foreach (var epoch in history)
            {
                block.Write(epoch.Epoch);
                block.Write(epoch.TrainingLoss);
                block.WriteOptional(epoch.ValidationLoss);
                block.Write(epoch.LearningRate);
                block.Write(epoch.Seconds);
                block.WriteOptional(epoch.RegularizationLoss);
                block.WriteOptional(epoch.KullbackLeiblerDivergence);
            }
        }

        /// <summary>
        /// The loader ML.NET's catalog calls (<c>SignatureLoadModel</c>; found by the name <c>Create</c> and these
        /// parameter types). Either returns a complete transformer or throws, having freed every tensor it created.
        /// </summary>
        /// <exception cref="FormatException">
        /// The entry comes from a newer version of this library, or is damaged or corrupt; the message says which. (ML.NET
        /// wraps it in an <see cref="InvalidOperationException"/> "Error during class instantiation".)
        /// </exception>
        private static AutoencoderTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            CheckLittleEndian();
            CheckNotNewer(ctx);
            ctx.CheckAtModel(GetVersionInfo());

            AutoencoderNetwork? network = null;
            try
            {
                var model = ReadModel(ctx);
                network = CreateNetwork(model.Description);
                SetState(network, model.State);

                var transformer = new AutoencoderTransformer(new AutoencoderModel(model.Description, network, model.History));
                network = null; // owned by the transformer now
                return transformer;
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
            {
                throw Contracts.ExceptDecode(ex, $"Cannot load the autoencoder model (component '{LoaderSignature}'): {ex.Message}");
            }
            finally
            {
                network?.Dispose();
            }
        }

        /// <summary>
        /// Refuses an entry written by a newer version of this library with a message that says so (ML.NET's own check
        /// would blame the ML.NET version).
        /// </summary>
        private static void CheckNotNewer(ModelLoadContext ctx)
        {
            var version = GetVersionInfo();
            uint readable = ctx.Header.ModelVerReadable;
            if (ctx.Header.ModelSignature == version.ModelSignature && readable > version.VerWrittenCur)
            {
                throw Contracts.ExceptDecode(
                    $"The autoencoder in this model was saved by a newer version of Microsoft.ML.Autoencoder: its format version " +
                    $"0x{readable:X8} is newer than 0x{version.VerWrittenCur:X8}, the newest this version " +
                    $"({typeof(AutoencoderModelSerializer).Assembly.GetName().Version}) reads. Update Microsoft.ML.Autoencoder to load it.");
            }
        }

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
            block.Finish(version >= VersionIntegrity ? "scoring settings" : "training history");
            description.CheckLoaded();
            CheckStateSize(description, state);
            return new SavedModel(description, state, history);
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

        private static void CheckLittleEndian()
        {
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("Autoencoder models store their weights as little-endian bytes; this platform is big-endian.");
        }

        /// <summary>A model block read into memory: nothing built yet.</summary>
        private sealed record SavedModel(AutoencoderModelDescription Description, IReadOnlyList<SavedTensor> State, IReadOnlyList<EpochSummary> History);

        /// <summary>One saved state entry: its name, element type, shape, number of values and raw bytes.</summary>
        private sealed record SavedTensor(string Name, ScalarType ElementType, long[] Shape, long Elements, byte[] Bytes);
    }
}
