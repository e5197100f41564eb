using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>
    /// Schema comparisons as ML.NET's own estimator tests make them (TestEstimatorCore): what an estimator
    /// promises must be what its trained transformer delivers, annotations included.
    /// </summary>
    internal static class SchemaAssert
    {
        /// <summary>
        /// The estimator's promised shape and the produced schema have the same visible columns, each of the
        /// same kind, item type and key-ness, with the same annotations (also compared by shape).
        /// </summary>
        public static void PromiseKept(SchemaShape promised, DataViewSchema produced)
        {
            var delivered = MLNetInternals.CreateShape(produced);
            Assert.Equal(promised.Select(c => c.Name).OrderBy(n => n), delivered.Select(c => c.Name).OrderBy(n => n));
            foreach (var column in promised)
            {
                var actual = delivered.Single(c => c.Name == column.Name);
                Assert.True(Describe(column) == Describe(actual), $"column '{column.Name}': promised {Describe(column)}, delivered {Describe(actual)}");
                var promisedAnnotations = column.Annotations.OrderBy(a => a.Name).Select(Describe).ToList();
                var deliveredAnnotations = actual.Annotations.OrderBy(a => a.Name).Select(Describe).ToList();
                Assert.True(promisedAnnotations.SequenceEqual(deliveredAnnotations),
                    $"column '{column.Name}': promised annotations [{string.Join(", ", promisedAnnotations)}], delivered [{string.Join(", ", deliveredAnnotations)}]");
            }
        }

        /// <summary>Two schemas are the same: columns in order, names, exact types, hidden flags and annotations.</summary>
        public static void Same(DataViewSchema expected, DataViewSchema actual)
        {
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                var (e, a) = (expected[i], actual[i]);
                Assert.Equal((e.Name, e.IsHidden), (a.Name, a.IsHidden));
                Assert.True(e.Type.Equals(a.Type), $"column {i} '{e.Name}': {e.Type} vs {a.Type}");
                var expectedAnnotations = e.Annotations.Schema.Select(c => (c.Name, c.Type)).ToList();
                var actualAnnotations = a.Annotations.Schema.Select(c => (c.Name, c.Type)).ToList();
                Assert.Equal(expectedAnnotations, actualAnnotations);
            }
        }

        private static string Describe(SchemaShape.Column column)
            => $"{column.Name}: {column.Kind} of {column.ItemType}{(column.IsKey ? " (key)" : "")}";
    }
}
