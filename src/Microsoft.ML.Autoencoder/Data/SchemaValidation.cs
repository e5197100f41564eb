using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>Checks of the input column shared by the estimator and the transformer.</summary>
    internal static class SchemaValidation
    {
        /// <summary>
        /// Returns the size of <paramref name="columnName"/> in <paramref name="schema"/>, which must be a
        /// known-size vector of <see cref="float"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The column is missing or of another type.</exception>
        public static int CheckInputColumn(DataViewSchema schema, string columnName, string dataName)
        {
            var column = schema.GetColumnOrNull(columnName);
            if (column is null)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{columnName}' not found in the {dataName}.");
            if (column.Value.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || !vector.IsKnownSize)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{columnName}' in the {dataName} must be a known-size vector of Single, but is {Describe(column.Value.Type)}.");
            return vector.Size;
        }

        private static string Describe(DataViewType type)
            => type is VectorDataViewType { IsKnownSize: false } vector ? $"a variable-size vector of {vector.ItemType}" : type.ToString() ?? type.GetType().Name;
    }
}
