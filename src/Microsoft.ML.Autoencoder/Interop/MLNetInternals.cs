using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoder.Interop
{
    /// <summary>
    /// The few ML.NET internals the library needs beyond the persistence API itself, reached directly (no reflection)
    /// through the publicized reference assemblies. See Interop/README.md.
    /// </summary>
    internal static class MLNetInternals
    {
        /// <summary>
        /// The environment (the <see cref="MLContext"/>) behind a catalog, e.g. <c>mlContext.Transforms</c>.
        /// In ML.NET 5 this is the explicit implementation of the internal <c>IInternalCatalog.Environment</c>
        /// (older versions had an internal <c>Environment</c> property on the catalog itself).
        /// </summary>
        /// <param name="catalog">The catalog an extension method was called on.</param>
        /// <returns>The catalog's host environment.</returns>
        internal static IHostEnvironment GetEnvironment(TransformsCatalog catalog)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return ((IInternalCatalog)catalog).Environment;
        }

        /// <summary>The environment (the <see cref="MLContext"/>) behind <c>mlContext.AnomalyDetection.Trainers</c>.</summary>
        /// <param name="catalog">The catalog an extension method was called on.</param>
        /// <returns>The catalog's host environment.</returns>
        internal static IHostEnvironment GetEnvironment(AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return ((IInternalCatalog)catalog).Environment;
        }

        /// <summary>Creates a column of an estimator's output schema shape (its constructor is internal).</summary>
        /// <param name="name">The column name.</param>
        /// <param name="kind">Scalar, fixed-size vector or variable-size vector.</param>
        /// <param name="itemType">The item type (for vectors, the element type).</param>
        /// <param name="isKey">Whether the items are keys.</param>
        /// <param name="annotations">The column's annotations, if any.</param>
        /// <returns>The column.</returns>
        internal static SchemaShape.Column CreateColumn(
            string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations = null)
            => new SchemaShape.Column(name, kind, itemType, isKey, annotations);

        /// <summary>The schema shape of a schema, as estimators see it (the factory is internal).</summary>
        /// <param name="schema">The data view schema.</param>
        /// <returns>Its shape.</returns>
        internal static SchemaShape CreateShape(DataViewSchema schema) => SchemaShape.Create(schema);

        /// <summary>
        /// Smoke check of the run-time side of the interop: saves a one-entry model with
        /// <see cref="ModelSaveContext"/> (header with version info, string table) into an in-memory repository
        /// (the zip format of <c>MLContext.Model.Save</c>), then reads it back with <see cref="ModelLoadContext"/>,
        /// checking the version info. Every step calls internal ML.NET members.
        /// </summary>
        /// <param name="env">The environment (exception context of the repository).</param>
        /// <param name="text">A string to round-trip through the model's string table.</param>
        /// <returns>The string read back and the loader assembly name recorded in the header.</returns>
        internal static (string Text, string LoaderAssemblyName) ProbeModelPersistence(IHostEnvironment env, string text)
        {
            Contracts.CheckValue(env, nameof(env));
            var version = new VersionInfo(
                modelSignature: "AEPROBE ",
                verWrittenCur: 0x00010001,
                verReadableCur: 0x00010001,
                verWeCanReadBack: 0x00010001,
                loaderSignature: "AutoencoderInteropProbe",
                loaderAssemblyName: typeof(MLNetInternals).Assembly.GetName().Name);
            const string directory = "Probe";
            const string entry = "Model.key";

            using var stream = new MemoryStream();
            using (var writer = RepositoryWriter.CreateNew(stream, env))
            {
                using (var save = new ModelSaveContext(writer, directory, entry))
                {
                    save.CheckAtModel();
                    save.SetVersionInfo(version);
                    save.SaveNonEmptyString(text);
                    save.Done();
                }
                writer.Commit();
            }

            stream.Position = 0;
            using var reader = RepositoryReader.Open(stream, env);
            using var ent = reader.OpenEntry(directory, entry);
            using var load = new ModelLoadContext(reader, ent, directory);
            load.CheckAtModel(version);
            string readBack = load.LoadNonEmptyString();
            load.Done();
            return (readBack, load.LoaderAssemblyName);
        }
    }
}
