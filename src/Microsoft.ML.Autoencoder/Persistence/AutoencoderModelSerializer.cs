using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Autoencoder.Architectures;
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
    /// zip, as ML.NET's own transformers do) and loads it back. This and <c>Interop/</c> are the only places that use
    /// ML.NET's internal persistence API (<see cref="ModelSaveContext"/>, <see cref="ModelLoadContext"/>,
    /// <see cref="VersionInfo"/>, <see cref="LoadableClassAttribute"/>); see docs/persistence.md.
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
        private const uint VersionInitial = 0x00010001;
        private const uint VersionVariants = 0x00010002;

        internal static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "AUTOENCD", // exactly 8 ASCII characters
                verWrittenCur: VersionVariants,
                verReadableCur: VersionVariants,
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
        //     string   entry name, e.g. "encoder.linear0.weight"
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

        /// <summary>Writes the model into <paramref name="ctx"/> (called by the transformer's <see cref="ICanSaveModel.Save"/>).</summary>
        internal static void Save(ModelSaveContext ctx, AutoencoderModelDescription description, AutoencoderNetwork network, IReadOnlyList<EpochSummary> history)
        {
            Contracts.CheckValue(ctx, nameof(ctx));
            CheckLittleEndian();
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            var writer = ctx.Writer;

            writer.Write(description.InputSize);
            writer.Write(description.LatentDimension);
            ctx.SaveNonEmptyString(description.InputColumnName);
            ctx.SaveStringOrNull(description.LatentColumnName);
            ctx.SaveStringOrNull(description.ReconstructionColumnName);
            ctx.SaveStringOrNull(description.ReconstructionErrorColumnName);
            writer.Write((int)description.OutputActivation);
            writer.Write((int)description.Loss);
            writer.Write(description.IsVariational);
            ctx.SaveStringOrNull(description.LogVarianceColumnName);

            using (var buffer = new MemoryStream())
            {
                using (var architectureWriter = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
                    description.Architecture.Write(architectureWriter);
                writer.Write(checked((int)buffer.Length));
                writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            }

            var state = network.state_dict();
            writer.Write(state.Count);
            foreach (var (name, tensor) in state)
            {
                ctx.SaveNonEmptyString(name);
                writer.Write((int)tensor.dtype);
                writer.Write((int)tensor.dim());
                foreach (long size in tensor.shape)
                    writer.Write(size);
                using var scope = torch.NewDisposeScope();
                writer.Write(tensor.detach().cpu().contiguous().bytes);
            }

            writer.Write(history.Count);
            foreach (var epoch in history)
            {
                writer.Write(epoch.Epoch);
                writer.Write(epoch.TrainingLoss);
                writer.Write(epoch.ValidationLoss.HasValue);
                if (epoch.ValidationLoss is double validationLoss)
                    writer.Write(validationLoss);
                writer.Write(epoch.LearningRate);
                writer.Write(epoch.Seconds);
                WriteOptional(writer, epoch.RegularizationLoss);
                WriteOptional(writer, epoch.KullbackLeiblerDivergence);
            }
        }

        /// <summary>
        /// The loader ML.NET's catalog calls (<c>SignatureLoadModel</c>; found by the name <c>Create</c> and these
        /// parameter types). Either returns a complete transformer or throws, having freed every tensor it created.
        /// </summary>
        /// <exception cref="FormatException">
        /// The entry comes from a newer version of this library, or is corrupt; the message says which. (ML.NET wraps it in
        /// an <see cref="InvalidOperationException"/> "Error during class instantiation".)
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
                var reader = new BoundedReader(ctx);
                var description = ReadDescription(ctx, reader);
                description.CheckLoaded();
                network = CreateNetwork(description);
                ReadState(ctx, reader, network);
                var history = ReadHistory(reader, ctx.Header.ModelVerWritten);
                if (reader.Remaining != 0)
                    throw new InvalidDataException($"{reader.Remaining} bytes follow the training history.");

                var transformer = new AutoencoderTransformer(description, network, history);
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

        private static AutoencoderModelDescription ReadDescription(ModelLoadContext ctx, BoundedReader reader)
        {
            int inputSize = reader.ReadInt32();
            int latentDimension = reader.ReadInt32();
            string inputColumnName = ctx.LoadNonEmptyString();
            string? latentColumnName = ctx.LoadStringOrNull();
            string? reconstructionColumnName = ctx.LoadStringOrNull();
            string? reconstructionErrorColumnName = ctx.LoadStringOrNull();
            var outputActivation = (OutputActivation)reader.ReadInt32();
            var loss = (ReconstructionLoss)reader.ReadInt32();
            bool isVariational = reader.ReadBoolean();
            string? logVarianceColumnName = ctx.Header.ModelVerWritten >= VersionVariants ? ctx.LoadStringOrNull() : null;

            int length = reader.ReadInt32();
            byte[] bytes = reader.ReadBytes(length, "the architecture description");
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
        private static void ReadState(ModelLoadContext ctx, BoundedReader reader, AutoencoderNetwork network)
        {
            var state = network.state_dict();
            int count = reader.ReadInt32();
            if (count != state.Count)
                throw new InvalidDataException($"The model has {count} weight tensors, but its architecture has {state.Count}.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string name = ctx.LoadNonEmptyString();
                if (!state.TryGetValue(name, out var target))
                    throw new InvalidDataException($"Weight tensor '{name}' is not part of the architecture (it has {string.Join(", ", state.Keys)}).");
                if (!seen.Add(name))
                    throw new InvalidDataException($"Weight tensor '{name}' appears twice.");

                int elementType = reader.ReadInt32();
                if (!s_elementTypes.Contains((ScalarType)elementType) || (ScalarType)elementType != target.dtype)
                    throw new InvalidDataException($"Weight tensor '{name}' has element type {elementType}, but the architecture needs {(int)target.dtype} ({target.dtype}).");
                int rank = reader.ReadInt32();
                if (rank < 0 || rank > MaximumRank)
                    throw new InvalidDataException($"Weight tensor '{name}' has rank {rank}.");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++)
                    shape[d] = reader.ReadInt64();
                if (!shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"Weight tensor '{name}' has shape [{string.Join(", ", shape)}], but the architecture needs [{string.Join(", ", target.shape)}].");

                long byteCount = target.NumberOfElements * target.ElementSize;
                if (byteCount > int.MaxValue)
                    throw new InvalidDataException($"Weight tensor '{name}' is too large ({byteCount} bytes).");
                target.bytes = reader.ReadBytes((int)byteCount, $"weight tensor '{name}'");
            }
        }

        private static IReadOnlyList<EpochSummary> ReadHistory(BoundedReader reader, uint versionWritten)
        {
            bool variants = versionWritten >= VersionVariants;
            int smallestRecord = sizeof(int) + sizeof(double) + sizeof(bool) + 2 * sizeof(double) + (variants ? 2 * sizeof(bool) : 0);
            int count = reader.ReadInt32();
            if (count < 0 || count > reader.Remaining / smallestRecord)
                throw new InvalidDataException($"The training history claims {count} epochs, more than the {reader.Remaining} remaining bytes can hold.");
            var history = new EpochSummary[count];
            for (int i = 0; i < count; i++)
            {
                int epoch = reader.ReadInt32();
                double trainingLoss = reader.ReadDouble();
                double? validationLoss = reader.ReadBoolean() ? reader.ReadDouble() : null;
                double learningRate = reader.ReadDouble();
                double seconds = reader.ReadDouble();
                double? regularizationLoss = variants && reader.ReadBoolean() ? reader.ReadDouble() : null;
                double? kullbackLeiblerDivergence = variants && reader.ReadBoolean() ? reader.ReadDouble() : null;
                history[i] = new EpochSummary(epoch, trainingLoss, validationLoss, learningRate, seconds, regularizationLoss, kullbackLeiblerDivergence);
            }
            return history;
        }

        private static void WriteOptional(BinaryWriter writer, double? value)
        {
            writer.Write(value.HasValue);
            if (value is double present)
                writer.Write(present);
        }

        private static void CheckLittleEndian()
        {
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("Autoencoder models store their weights as little-endian bytes; this platform is big-endian.");
        }

        /// <summary>
        /// Reads the model block of the entry and never past it: every read checks the bytes left, so a corrupt count or
        /// length fails with an <see cref="InvalidDataException"/> instead of reading into the string table or allocating
        /// gigabytes.
        /// </summary>
        private sealed class BoundedReader
        {
            private readonly BinaryReader _reader;
            private readonly long _end;

            public BoundedReader(ModelLoadContext ctx)
            {
                _reader = ctx.Reader;
                _end = ctx.FpMin + ctx.Header.FpModel + ctx.Header.CbModel;
            }

            /// <summary>The bytes of the model block not read yet.</summary>
            public long Remaining => _end - _reader.BaseStream.Position;

            public int ReadInt32() => Take(sizeof(int), "an int")._reader.ReadInt32();

            public long ReadInt64() => Take(sizeof(long), "a long")._reader.ReadInt64();

            public double ReadDouble() => Take(sizeof(double), "a double")._reader.ReadDouble();

            public bool ReadBoolean()
            {
                byte value = Take(sizeof(byte), "a bool")._reader.ReadByte();
                if (value > 1)
                    throw new InvalidDataException($"A bool has the value {value}.");
                return value == 1;
            }

            public byte[] ReadBytes(int count, string what)
            {
                if (count < 0)
                    throw new InvalidDataException($"Negative length {count} of {what}.");
                Take(count, what);
                var bytes = _reader.ReadBytes(count);
                if (bytes.Length != count)
                    throw new EndOfStreamException($"The model entry ends inside {what}.");
                return bytes;
            }

            private BoundedReader Take(long count, string what)
            {
                if (count > Remaining)
                    throw new InvalidDataException($"The model block ends before {what} ({count} bytes needed, {Remaining} left).");
                return this;
            }
        }
    }
}
