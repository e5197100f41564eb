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
    internal static partial class AutoencoderModelSerializer
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
        //   0x00010004  Compression: after the non-finite policy, the latent code ranges for 8-bit compression (a presence
        //               flag, the dimension, each dimension's minimum and maximum over the training codes). Readers of
        //               0x00010003 would refuse them as trailing bytes (verReadableCur); this version reads all four (older
        //               models have no ranges: they compress to float16 only).
        private const uint VersionInitial = 0x00010001;
        private const uint VersionVariants = 0x00010002;
        private const uint VersionIntegrity = 0x00010003;
        private const uint VersionCompression = 0x00010004;

        internal static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "AUTOENCD", // exactly 8 ASCII characters
                verWrittenCur: VersionCompression,
                verReadableCur: VersionCompression,
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
        //   bool       whether code ranges follow (one byte)                                                 [0x00010004]
        //   int        their dimension d (the latent dimension; only when the flag is true)                  [0x00010004]
        //   float[d]   each latent dimension's smallest training code value (only when the flag is true)    [0x00010004]
        //   float[d]   each latent dimension's largest training code value (only when the flag is true)     [0x00010004]
        //   byte[32]   SHA-256 of the block's bytes before it, then of the entry's string table: int string count, and
        //              per string in table order its int length in UTF-16 code units and the code units  [0x00010003]
        //              (ModelBlockDigest)
        //
        // The loader verifies the digest first, then reads everything into memory, checks the description as the
        // estimator checks its options and the sizes it implies against the values present (NetworkSizeBound), and
        // only then builds the network.

        /// <summary>Writes the model into <paramref name="ctx"/> (called by the transformer's <see cref="ICanSaveModel.Save"/>).</summary>
        internal static void Save(ModelSaveContext ctx, AutoencoderModelDescription description, AutoencoderNetwork network, IReadOnlyList<EpochSummary> history, CodeRanges? codeRanges)
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
            WriteCodeRanges(block, codeRanges);
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

        private static void WriteCodeRanges(ModelBlockWriter block, CodeRanges? ranges)
        {
            block.Write(ranges is not null);
            if (ranges is null)
                return;
            block.Write(ranges.Dimension);
            foreach (float value in ranges.Minimum)
                block.Write(value);
            foreach (float value in ranges.Maximum)
                block.Write(value);
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

                var transformer = new AutoencoderTransformer(new AutoencoderModel(model.Description, network, model.History) { CodeRanges = model.CodeRanges });
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

        private static void CheckLittleEndian()
        {
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("Autoencoder models store their weights as little-endian bytes; this platform is big-endian.");
        }

    }
}
