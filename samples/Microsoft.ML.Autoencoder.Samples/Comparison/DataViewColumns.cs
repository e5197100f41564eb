using System;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>Reads vector columns of an <see cref="IDataView"/> into arrays.</summary>
internal static class DataViewColumns
{
    /// <summary>Reads a vector column of <paramref name="size"/> floats into one row-major array.</summary>
    /// <exception cref="InvalidOperationException">The view has another number of rows or the vectors another size.</exception>
    public static float[] ReadVectors(IDataView view, string columnName, int size, int rowCount)
        => ReadVectors(view, [(columnName, size)], rowCount)[0];

    /// <summary>
    /// Reads several vector columns in one pass over <paramref name="view"/> (so a transformer computes each
    /// row once), each into one row-major array.
    /// </summary>
    /// <exception cref="InvalidOperationException">The view has another number of rows or a vector another size.</exception>
    public static float[][] ReadVectors(IDataView view, (string Name, int Size)[] columns, int rowCount)
    {
        var schemaColumns = columns.Select(column => view.Schema[column.Name]).ToArray();
        var values = columns.Select(column => new float[rowCount * column.Size]).ToArray();
        using var cursor = view.GetRowCursor(schemaColumns);
        var getters = schemaColumns.Select(cursor.GetGetter<VBuffer<float>>).ToArray();
        VBuffer<float> buffer = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            for (int c = 0; c < columns.Length; c++)
            {
                getters[c](ref buffer);
                if (row >= rowCount || buffer.Length != columns[c].Size)
                {
                    throw new InvalidOperationException(
                        $"Column '{columns[c].Name}' row {row}: expected {rowCount} rows of {columns[c].Size} values, got a vector of {buffer.Length}.");
                }

                buffer.CopyTo(values[c].AsSpan(row * columns[c].Size, columns[c].Size));
            }

            row++;
        }

        if (row != rowCount)
        {
            throw new InvalidOperationException($"The view has {row} rows; expected {rowCount}.");
        }

        return values;
    }
}
