using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>The input rows of one batch and what a model computes from them (the autoencoder's or the anomaly detector's).</summary>
    internal interface IRowBatch : IDisposable
    {
        /// <summary>The most rows the batch holds.</summary>
        int Capacity { get; }

        /// <summary>Checks source row <paramref name="rowIndex"/> and copies it into slot <paramref name="slot"/>.</summary>
        void SetInput(int slot, in VBuffer<float> row, long rowIndex);

        /// <summary>Computes the outputs of the first <paramref name="rowCount"/> slots.</summary>
        void Compute(int rowCount);
    }

    /// <summary>The output columns of one cursor or row, after the source's columns, and their getters over a batch.</summary>
    internal interface IOutputColumns<TBatch>
    {
        int SourceColumnCount { get; }

        bool AnyActive { get; }

        bool IsColumnActive(DataViewSchema.Column column);

        ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column, TBatch batch, Func<int> currentSlot);
    }

    /// <summary>
    /// How a model scores rows through <see cref="BatchedRowCursor{TBatch}"/> and <see cref="BatchedRowMapper{TBatch}"/>:
    /// the column it reads, the output columns of a cursor or row (from the source's column count and which columns are
    /// active) and a batch of a given capacity for them.
    /// </summary>
    internal sealed record RowScorer<TBatch>(
        string InputColumnName,
        Func<int, Func<int, bool>, IOutputColumns<TBatch>> CreateOutputs,
        Func<IOutputColumns<TBatch>, int, TBatch> CreateBatch)
        where TBatch : IRowBatch;
}
