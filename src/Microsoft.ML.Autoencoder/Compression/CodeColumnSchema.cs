using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>The schema check of the compression and decompression estimators: one vector column in, one out.</summary>
    internal static class CodeColumnSchema
    {
        /// <summary>
        /// <paramref name="inputSchema"/> plus the output column (a vector of <paramref name="outputItemType"/>), after checking
        /// that the input column (<paramref name="description"/>, for the message) is a known-size vector of <paramref name="inputItemType"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The input column is missing or of another type.</exception>
        public static SchemaShape Extend(SchemaShape inputSchema, string inputColumnName, string description, PrimitiveDataViewType inputItemType,
            string outputColumnName, PrimitiveDataViewType outputItemType)
        {
            if (!inputSchema.TryFindColumn(inputColumnName, out var column))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"{description} column '{inputColumnName}' not found.");
            if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != inputItemType)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"{description} column '{inputColumnName}' must be a known-size vector of {inputItemType}.");
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[outputColumnName] = MLNetInternals.CreateColumn(outputColumnName, SchemaShape.Column.VectorKind.Vector, outputItemType, isKey: false);
            return new SchemaShape(columns.Values);
        }
    }
}
