using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Samples.Compare;

/// <summary>Reads columns of an <see cref="IDataView"/> into arrays.</summary>
internal static class DataViewColumns
{
    /// <summary>Reads a vector column of <paramref name="size"/> floats into one row-major array.</summary>
    /// <exception cref="InvalidOperationException">The view has another number of rows or the vectors another size.</exception>
    public static float[] ReadVectors(IDataView view, string columnName, int size, int rowCount)
    {
        var column = view.Schema[columnName];
        var values = new float[rowCount * size];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            if (row >= rowCount || buffer.Length != size)
            {
                throw new InvalidOperationException(
                    $"Column '{columnName}' row {row}: expected {rowCount} rows of {size} values, got a vector of {buffer.Length}.");
            }

            buffer.CopyTo(values.AsSpan(row * size, size));
            row++;
        }

        if (row != rowCount)
        {
            throw new InvalidOperationException($"Column '{columnName}' has {row} rows; expected {rowCount}.");
        }

        return values;
    }

    /// <summary>Reads a float column into an array.</summary>
    public static float[] ReadScalars(IDataView view, string columnName, int rowCount)
    {
        var column = view.Schema[columnName];
        var values = new float[rowCount];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        int row = 0;
        while (cursor.MoveNext())
        {
            if (row >= rowCount)
            {
                throw new InvalidOperationException($"Column '{columnName}' has more than {rowCount} rows.");
            }

            getter(ref values[row++]);
        }

        if (row != rowCount)
        {
            throw new InvalidOperationException($"Column '{columnName}' has {row} rows; expected {rowCount}.");
        }

        return values;
    }
}
