using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>The lazy output of <see cref="AutoencoderAnomalyTransformer.Transform"/>.</summary>
    internal sealed class AnomalyDataView : IDataView
    {
        private readonly AnomalyDetectorModel _model;
        private readonly IDataView _source;

        public AnomalyDataView(AnomalyDetectorModel model, IDataView source, DataViewSchema schema)
        {
            _model = model;
            _source = source;
            Schema = schema;
        }

        public bool CanShuffle => _source.CanShuffle;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => _source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
            => new BatchedRowCursor<AnomalyBatch>(AnomalyBatch.Scorer(_model), _source, Schema, columnsNeeded.Select(c => c.Index).ToHashSet(), rand);

        /// <summary>One cursor: the network runs batches, which is where the parallelism is.</summary>
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };
    }
}
