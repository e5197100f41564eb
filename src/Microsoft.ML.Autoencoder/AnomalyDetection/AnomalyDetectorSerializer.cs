using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Autoencoder;
using Microsoft.ML.Autoencoder.AnomalyDetection;
using Microsoft.ML.Runtime;

// Tells ML.NET's ComponentCatalog how to load a saved AutoencoderAnomalyTransformer (see Persistence/AutoencoderModelSerializer.cs).
[assembly: LoadableClass(typeof(AutoencoderAnomalyTransformer), typeof(AnomalyDetectorSerializer), null, typeof(SignatureLoadModel),
    AnomalyDetectorSerializer.UserName, AnomalyDetectorSerializer.LoaderSignature)]

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// Saves an <see cref="AutoencoderAnomalyTransformer"/> in ML.NET's model format and loads it back: the detector's own
    /// settings in its entry, and the autoencoder as a sub-model in the folder <see cref="AutoencoderDirectory"/> (saved and
    /// loaded by the autoencoder's own serializer, <c>Persistence/AutoencoderModelSerializer</c>, as ML.NET's chains save
    /// their transformers), so the two formats are versioned apart.
    /// </summary>
    internal static class AnomalyDetectorSerializer
    {
        /// <summary>The name ML.NET's catalog knows the loader by (at most 24 ASCII characters; never change it).</summary>
        internal const string LoaderSignature = "AutoencoderAnomalyDetect";

        /// <summary>The loader's display name.</summary>
        internal const string UserName = "Autoencoder Anomaly Detector";

        /// <summary>The sub-model folder of the autoencoder.</summary>
        internal const string AutoencoderDirectory = "Autoencoder";

        // Version history (ModelVerWritten in the entry's header; bump verWrittenCur for every change of the layout):
        //   0x00010001  Initial.
        //   0x00010002  Ensembles (the member count, members after the first in folders "Autoencoder1", ...) and the error
        //               window of image features, at the end.
        private const uint VersionInitial = 0x00010001;
        private const uint VersionEnsemble = 0x00010002;

        /// <summary>More standard normal draws than the reconstruction probability ever uses; more means a corrupt file.</summary>
        private const int MaximumDrawValues = 1 << 20;

        internal static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "AEANOMAL", // exactly 8 ASCII characters
                verWrittenCur: VersionEnsemble,
                verReadableCur: VersionEnsemble,
                verWeCanReadBack: VersionInitial,
                loaderSignature: LoaderSignature,
                loaderAssemblyName: typeof(AnomalyDetectorSerializer).Assembly.GetName().Name);

        // *** Binary format *** (the model block of the entry, after ML.NET's header; little-endian; "string" is an int
        // index into the entry's string table, -1 for none)
        //   sub-model  the autoencoder, in folder "Autoencoder" (its own entry and format)
        //   string     feature column name
        //   int        feature count d (at least 2; the autoencoder's input size)
        //   string     score column name
        //   string     predicted-label column name
        //   string     normalized-score column name, or -1
        //   string     feature-contributions column name, or -1
        //   string     top-contributors column name, or -1
        //   string     top-contributor names column name, or -1
        //   int        top-contributor count k (1..d)
        //   int        score kind (AnomalyScoreKind)
        //   double     beta (the KL weight; 0 unless variational)
        //   bool       standardized (one byte)
        //   float[d]   means            (only when standardized)
        //   float[d]   scales           (only when standardized; positive)
        //   int        score normalization (AnomalyScoreNormalization)
        //   long       training row count
        //   double     lowest, highest, mean training score, standard deviation of the training scores
        //   int        threshold method (AnomalyThresholdMethod)
        //   double     threshold parameter (contamination, deviation multiplier, or 0)
        //   float      threshold
        //   string     how the threshold was chosen
        //   int        slot-name count: 0 for none, else d, followed by d strings
        //   int        draw value count m (0 unless the score is ReconstructionProbability; a multiple of the latent dimension)
        //   float[m]   standard normal draws
        //   int        member count M, 1 to 16 (from 0x00010002; before it, 1): members 2..M are sub-models in folders
        //              "Autoencoder1" ... "Autoencoder{M-1}", of the first one's input size, latent dimension and kind
        //   bool       error window (from 0x00010002; before it, none); then int channels, height, width, window side

        /// <summary>Writes the detector into <paramref name="ctx"/>.</summary>
        internal static void Save(ModelSaveContext ctx, AnomalyDetectorModel model)
        {
            Contracts.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.SaveModel(model.Autoencoder, AutoencoderDirectory);

            var description = model.Description;
            var writer = ctx.Writer;
            ctx.SaveNonEmptyString(description.FeatureColumnName);
            writer.Write(description.FeatureCount);
            ctx.SaveNonEmptyString(description.ScoreColumnName);
            ctx.SaveNonEmptyString(description.PredictedLabelColumnName);
            ctx.SaveStringOrNull(description.NormalizedScoreColumnName);
            ctx.SaveStringOrNull(description.FeatureContributionsColumnName);
            ctx.SaveStringOrNull(description.TopContributorsColumnName);
            ctx.SaveStringOrNull(description.TopContributorNamesColumnName);
            writer.Write(description.TopContributorCount);
            writer.Write((int)description.ScoreKind);
            writer.Write(description.Beta);
            writer.Write(description.Standardization is not null);
            if (description.Standardization is Standardization standardization)
            {
                WriteFloats(writer, standardization.Mean);
                WriteFloats(writer, standardization.Scale);
            }
            writer.Write((int)description.ScoreNormalization);
            var scores = description.TrainingScores;
            writer.Write(scores.Count);
            writer.Write(scores.Minimum);
            writer.Write(scores.Maximum);
            writer.Write(scores.Mean);
            writer.Write(scores.StandardDeviation);
            var threshold = description.Threshold;
            writer.Write((int)threshold.Method);
            writer.Write(threshold.Parameter);
            writer.Write(threshold.Value);
            ctx.SaveNonEmptyString(threshold.Description);
            writer.Write(description.SlotNames?.Count ?? 0);
            foreach (string name in description.SlotNames ?? Array.Empty<string>())
                ctx.SaveString(name);
            var draws = description.ProbabilityDraws ?? Array.Empty<float>();
            writer.Write(draws.Length);
            WriteFloats(writer, draws);
            writer.Write(model.Members.Count);
            for (int m = 1; m < model.Members.Count; m++)
                ctx.SaveModel(model.Members[m], MemberDirectory(m));
            writer.Write(description.ErrorWindow is not null);
            if (description.ErrorWindow is ErrorWindow window)
            {
                writer.Write(window.Channels);
                writer.Write(window.Height);
                writer.Write(window.Width);
                writer.Write(window.Size);
            }
        }

        /// <summary>The sub-model folder of ensemble member <paramref name="member"/> (the first is in <see cref="AutoencoderDirectory"/>).</summary>
        private static string MemberDirectory(int member) => member == 0 ? AutoencoderDirectory : AutoencoderDirectory + member.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The loader ML.NET's catalog calls (<c>SignatureLoadModel</c>); frees the autoencoder when the rest does not load.</summary>
        /// <exception cref="FormatException">The entry is corrupt or from a newer version; ML.NET wraps it in an <see cref="InvalidOperationException"/>.</exception>
        private static AutoencoderAnomalyTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            var version = GetVersionInfo();
            if (ctx.Header.ModelSignature == version.ModelSignature && ctx.Header.ModelVerReadable > version.VerWrittenCur)
                throw Contracts.ExceptDecode($"The anomaly detector in this model was saved by a newer version of Microsoft.ML.Autoencoder (format 0x{ctx.Header.ModelVerReadable:X8}; this version reads up to 0x{version.VerWrittenCur:X8}). Update Microsoft.ML.Autoencoder to load it.");
            ctx.CheckAtModel(version);
            ctx.LoadModel<AutoencoderTransformer, SignatureLoadModel>(env, out var autoencoder, AutoencoderDirectory);
            var members = new List<AutoencoderTransformer> { autoencoder };
            try
            {
                var description = ReadDescription(ctx, autoencoder);
                bool ensembles = ctx.Header.ModelVerWritten >= VersionEnsemble;
                int count = ensembles ? ctx.Reader.ReadInt32() : 1;
                if (count < 1 || count > AutoencoderAnomalyTrainer.Defaults.MaximumEnsembleSize)
                    throw new InvalidDataException($"The detector has {count} autoencoders; it must have 1 to {AutoencoderAnomalyTrainer.Defaults.MaximumEnsembleSize}.");
                for (int m = 1; m < count; m++)
                {
                    ctx.LoadModel<AutoencoderTransformer, SignatureLoadModel>(env, out var member, MemberDirectory(m));
                    members.Add(member);
                    if (member.InputSize != autoencoder.InputSize || member.LatentDimension != autoencoder.LatentDimension || member.IsVariational != autoencoder.IsVariational)
                        throw new InvalidDataException($"Autoencoder {m + 1} of {count} ({member.InputSize} inputs, latent dimension {member.LatentDimension}) does not match the first ({autoencoder.InputSize} inputs, latent dimension {autoencoder.LatentDimension}).");
                }
                if (ensembles && ReadBoolean(ctx.Reader))
                {
                    var reader = ctx.Reader;
                    int channels = reader.ReadInt32(), height = reader.ReadInt32(), width = reader.ReadInt32(), size = reader.ReadInt32();
                    try
                    {
                        ErrorWindow.Check(channels, height, width, size, description.FeatureCount);
                    }
                    catch (ArgumentOutOfRangeException ex)
                    {
                        throw new InvalidDataException($"The error window does not fit the detector: {ex.Message}");
                    }
                    description = description with { ErrorWindow = new ErrorWindow(channels, height, width, size) };
                }
                return new AutoencoderAnomalyTransformer(new AnomalyDetectorModel(description, members), new AnomalyDetectorLease(members));
            }
            catch (Exception ex)
            {
                foreach (var member in members)
                    member.Dispose();
                if (ex is InvalidDataException or EndOfStreamException or FormatException)
                    throw Contracts.ExceptDecode(ex, $"Cannot load the anomaly detector (component '{LoaderSignature}'): {ex.Message}");
                throw;
            }
        }

        private static AnomalyDetectorDescription ReadDescription(ModelLoadContext ctx, AutoencoderTransformer autoencoder)
        {
            var reader = ctx.Reader;
            string featureColumnName = ctx.LoadNonEmptyString();
            int d = reader.ReadInt32();
            if (d != autoencoder.InputSize)
                throw new InvalidDataException($"The detector has {d} features, but its autoencoder takes {autoencoder.InputSize}.");
            string scoreColumnName = ctx.LoadNonEmptyString();
            string predictedLabelColumnName = ctx.LoadNonEmptyString();
            string? normalized = ctx.LoadStringOrNull();
            string? contributions = ctx.LoadStringOrNull();
            string? top = ctx.LoadStringOrNull();
            string? topNames = ctx.LoadStringOrNull();
            int k = reader.ReadInt32();
            if (k < 1 || k > d)
                throw new InvalidDataException($"The top-contributor count {k} is not in [1, {d}].");
            var kind = (AnomalyScoreKind)reader.ReadInt32();
            if (!Enum.IsDefined(kind))
                throw new InvalidDataException($"Unknown score kind {(int)kind}.");
            if (kind != AnomalyScoreKind.ReconstructionError && !autoencoder.IsVariational)
                throw new InvalidDataException($"The score {kind} needs a variational autoencoder, but the saved one is not.");
            double beta = reader.ReadDouble();
            Standardization? standardization = null;
            if (ReadBoolean(reader))
            {
                var mean = ReadFloats(reader, d);
                var scale = ReadFloats(reader, d);
                if (Array.Exists(mean, m => !float.IsFinite(m)) || Array.Exists(scale, s => !(s > 0 && float.IsFinite(s))))
                    throw new InvalidDataException("A standardization mean is not finite or a scale is not positive.");
                standardization = new Standardization(mean, scale);
            }
            var normalization = (AnomalyScoreNormalization)reader.ReadInt32();
            if (!Enum.IsDefined(normalization))
                throw new InvalidDataException($"Unknown score normalization {(int)normalization}.");
            var summary = new TrainingScoreSummary(reader.ReadInt64(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
            var method = (AnomalyThresholdMethod)reader.ReadInt32();
            if (!Enum.IsDefined(method))
                throw new InvalidDataException($"Unknown threshold method {(int)method}.");
            double parameter = reader.ReadDouble();
            float value = reader.ReadSingle();
            if (!float.IsFinite(value))
                throw new InvalidDataException($"The threshold {value} is not finite.");
            string how = ctx.LoadNonEmptyString();
            int slotCount = reader.ReadInt32();
            if (slotCount != 0 && slotCount != d)
                throw new InvalidDataException($"The model has {slotCount} slot names for {d} features.");
            var slotNames = new List<string>(slotCount);
            for (int i = 0; i < slotCount; i++)
                slotNames.Add(ctx.LoadString());
            if (topNames is not null && slotCount == 0)
                throw new InvalidDataException($"The top-contributor names column '{topNames}' is named, but the model has no slot names.");
            int drawValues = reader.ReadInt32();
            int latent = autoencoder.LatentDimension;
            if (drawValues < 0 || drawValues > MaximumDrawValues || drawValues % latent != 0 || (drawValues == 0) == (kind == AnomalyScoreKind.ReconstructionProbability))
                throw new InvalidDataException($"The model has {drawValues} latent draw values, which do not fit its {kind} score and latent dimension {latent}.");
            var draws = drawValues == 0 ? null : ReadFloats(reader, drawValues);

            var description = new AnomalyDetectorDescription
            {
                FeatureColumnName = featureColumnName,
                FeatureCount = d,
                ScoreColumnName = scoreColumnName,
                PredictedLabelColumnName = predictedLabelColumnName,
                NormalizedScoreColumnName = normalized,
                FeatureContributionsColumnName = contributions,
                TopContributorsColumnName = top,
                TopContributorNamesColumnName = topNames,
                TopContributorCount = k,
                ScoreKind = kind,
                Beta = beta,
                Standardization = standardization,
                ScoreNormalization = normalization,
                TrainingScores = summary,
                Threshold = new AnomalyThresholdFit(method, parameter, value, how),
                SlotNames = slotCount == 0 ? null : slotNames,
                ProbabilityDraws = draws,
            };
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, _, _) in description.OutputColumns())
            {
                if (!names.Add(name))
                    throw new InvalidDataException($"Two output columns are named '{name}'.");
            }
            return description;
        }

        private static bool ReadBoolean(BinaryReader reader)
        {
            byte value = reader.ReadByte();
            if (value > 1)
                throw new InvalidDataException($"A bool has the value {value}.");
            return value == 1;
        }

        private static void WriteFloats(BinaryWriter writer, float[] values)
        {
            foreach (float value in values)
                writer.Write(value);
        }

        private static float[] ReadFloats(BinaryReader reader, int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = reader.ReadSingle();
            return values;
        }
    }
}
