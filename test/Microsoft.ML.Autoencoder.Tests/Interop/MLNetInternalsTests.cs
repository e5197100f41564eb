using System.Collections.Generic;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Interop
{
    public class MLNetInternalsTests
    {
        [Fact]
        public void GetEnvironment_TransformsCatalog_ReturnsTheMLContextsEnvironment()
        {
            var mlContext = new MLContext(seed: 1);

            IHostEnvironment env = MLNetInternals.GetEnvironment(mlContext.Transforms);

            // MLContext wraps a LocalEnvironment, which is what its catalogs hold; they share the component catalog.
            Assert.NotNull(env);
            Assert.Same(mlContext.ComponentCatalog, env.ComponentCatalog);
        }

        [Fact]
        public void GetEnvironment_ChannelMessage_ReachesMLContextLog()
        {
            var mlContext = new MLContext(seed: 1);
            var messages = new List<string>();
            mlContext.Log += (_, e) => messages.Add(e.Message);

            IHostEnvironment env = MLNetInternals.GetEnvironment(mlContext.Transforms);
            using (var channel = env.Register("InteropProbe").Start("Probe"))
                channel.Info(MessageSensitivity.None, "hello from the interop test");

            Assert.Contains(messages, m => m.Contains("hello from the interop test"));
        }

        [Fact]
        public void CreateColumn_FixedSizeSingleVector_HasRequestedShape()
        {
            SchemaShape.Column column = MLNetInternals.CreateColumn(
                "Reconstruction", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false);

            Assert.Equal("Reconstruction", column.Name);
            Assert.Equal(SchemaShape.Column.VectorKind.Vector, column.Kind);
            Assert.Equal(NumberDataViewType.Single, column.ItemType);
            Assert.False(column.IsKey);
            Assert.Empty(column.Annotations);
        }

        [Fact]
        public void CreateColumn_KeyScalarWithAnnotations_KeepsKeyAndAnnotations()
        {
            var annotations = new SchemaShape(new[]
            {
                MLNetInternals.CreateColumn("KeyValues", SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, isKey: false),
            });

            SchemaShape.Column column = MLNetInternals.CreateColumn(
                "Cluster", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, isKey: true, annotations);

            Assert.True(column.IsKey);
            Assert.Equal(SchemaShape.Column.VectorKind.Scalar, column.Kind);
            var keyValues = Assert.Single(column.Annotations);
            Assert.Equal("KeyValues", keyValues.Name);
            Assert.Equal(TextDataViewType.Instance, keyValues.ItemType);
        }

        [Fact]
        public void ProbeModelPersistence_InternalSaveAndLoadContexts_RoundTripsAtRunTime()
        {
            var mlContext = new MLContext(seed: 1);

            var (text, loaderAssemblyName) = MLNetInternals.ProbeModelPersistence(mlContext, "round trip ✓");

            Assert.Equal("round trip ✓", text);
            Assert.Equal("Microsoft.ML.Autoencoder", loaderAssemblyName);
        }
    }
}
