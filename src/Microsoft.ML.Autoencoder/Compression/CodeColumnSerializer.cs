using System;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Runtime;

// Tell ML.NET's ComponentCatalog how to load the two compression transformers (see Persistence/AutoencoderModelSerializer.cs).
[assembly: LoadableClass(typeof(AutoencoderCompressionTransformer), typeof(CodeColumnSerializer.CompressorLoader), null, typeof(SignatureLoadModel),
    CodeColumnSerializer.CompressorUserName, CodeColumnSerializer.CompressorLoaderSignature)]
[assembly: LoadableClass(typeof(AutoencoderDecompressionTransformer), typeof(CodeColumnSerializer.DecompressorLoader), null, typeof(SignatureLoadModel),
    CodeColumnSerializer.DecompressorUserName, CodeColumnSerializer.DecompressorLoaderSignature)]

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>
    /// Saves <see cref="AutoencoderCompressionTransformer"/> and <see cref="AutoencoderDecompressionTransformer"/> in ML.NET's
    /// model format and loads them back: the autoencoder as a sub-model in the folder <see cref="AutoencoderDirectory"/>
    /// (its own entry and format), then the two column names and the precision.
    /// </summary>
    internal static class CodeColumnSerializer
    {
        internal const string CompressorLoaderSignature = "AutoencoderCompressor";
        internal const string CompressorUserName = "Autoencoder Code Compressor";
        internal const string DecompressorLoaderSignature = "AutoencoderDecompressor";
        internal const string DecompressorUserName = "Autoencoder Code Decompressor";

        /// <summary>The sub-model folder of the autoencoder.</summary>
        internal const string AutoencoderDirectory = "Autoencoder";

        // Version history (both transformers; bump verWrittenCur for every change of the layout):
        //   0x00010001  Initial.
        private const uint VersionInitial = 0x00010001;

        // *** Binary format *** (the model block of the entry, after ML.NET's header; little-endian; "string" is an int
        // index into the entry's string table)
        //   sub-model  the autoencoder, in folder "Autoencoder" (its own entry and format)
        //   string     input column name
        //   string     output column name
        //   int        precision (CodePrecision: 1 Float16, 2 Byte)

        internal static VersionInfo CompressorVersionInfo() => Version("AECOMPRS", CompressorLoaderSignature);

        internal static VersionInfo DecompressorVersionInfo() => Version("AEDECOMP", DecompressorLoaderSignature);

        private static VersionInfo Version(string signature, string loaderSignature)
            => new VersionInfo(
                modelSignature: signature, // exactly 8 ASCII characters
                verWrittenCur: VersionInitial,
                verReadableCur: VersionInitial,
                verWeCanReadBack: VersionInitial,
                loaderSignature: loaderSignature,
                loaderAssemblyName: typeof(CodeColumnSerializer).Assembly.GetName().Name);

        internal static void Save(ModelSaveContext ctx, VersionInfo version, AutoencoderTransformer autoencoder, string inputColumnName, string outputColumnName, CodePrecision precision)
        {
            Contracts.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(version);
            ctx.SaveModel(autoencoder, AutoencoderDirectory);
            ctx.SaveNonEmptyString(inputColumnName);
            ctx.SaveNonEmptyString(outputColumnName);
            ctx.Writer.Write((int)precision);
        }

        /// <summary>The loader ML.NET's catalog calls for a compressor (<c>SignatureLoadModel</c>; found by the name <c>Create</c>).</summary>
        internal static class CompressorLoader
        {
            /// <exception cref="FormatException">The entry is corrupt or from a newer version; ML.NET wraps it in an <see cref="InvalidOperationException"/>.</exception>
            private static AutoencoderCompressionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
                => Load(env, ctx, CompressorVersionInfo(), (autoencoder, input, output, precision)
                    => new AutoencoderCompressionTransformer(autoencoder, output, input, precision, ownsAutoencoder: true));
        }

        /// <summary>The loader ML.NET's catalog calls for a decompressor.</summary>
        internal static class DecompressorLoader
        {
            /// <exception cref="FormatException">The entry is corrupt or from a newer version; ML.NET wraps it in an <see cref="InvalidOperationException"/>.</exception>
            private static AutoencoderDecompressionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
                => Load(env, ctx, DecompressorVersionInfo(), (autoencoder, input, output, precision)
                    => new AutoencoderDecompressionTransformer(autoencoder, output, input, precision, ownsAutoencoder: true));
        }

        private static T Load<T>(IHostEnvironment env, ModelLoadContext ctx, VersionInfo version, Func<AutoencoderTransformer, string, string, CodePrecision, T> create)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            if (ctx.Header.ModelSignature == version.ModelSignature && ctx.Header.ModelVerReadable > version.VerWrittenCur)
                throw Contracts.ExceptDecode($"This compression transformer was saved by a newer version of Microsoft.ML.Autoencoder (format 0x{ctx.Header.ModelVerReadable:X8}; this version reads up to 0x{version.VerWrittenCur:X8}). Update Microsoft.ML.Autoencoder to load it.");
            ctx.CheckAtModel(version);
            ctx.LoadModel<AutoencoderTransformer, SignatureLoadModel>(env, out var autoencoder, AutoencoderDirectory);
            try
            {
                string input = ctx.LoadNonEmptyString();
                string output = ctx.LoadNonEmptyString();
                var precision = (CodePrecision)ctx.Reader.ReadInt32();
                if (precision is not (CodePrecision.Float16 or CodePrecision.Byte))
                    throw new InvalidDataException($"The precision {(int)precision} is unknown.");
                if (precision == CodePrecision.Byte && !autoencoder.HasCodeRanges)
                    throw new InvalidDataException("The precision is Byte, but the autoencoder has no code ranges.");
                return create(autoencoder, input, output, precision);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
            {
                autoencoder.Dispose();
                throw Contracts.ExceptDecode(ex, $"Cannot load the compression transformer: {ex.Message}");
            }
        }
    }
}
