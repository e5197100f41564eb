using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>The lazy output of <see cref="AutoencoderCompressionTransformer.Transform"/>: the autoencoder's batched cursor with the compressed-code column.</summary>
    internal sealed class CompressionDataView : IDataView
    {
        private readonly AutoencoderModel _model;
        private readonly CodePrecision _precision;
        private readonly string _inputColumnName;
        private readonly IDataView _source;

        public CompressionDataView(AutoencoderModel model, CodePrecision precision, string inputColumnName, IDataView source, DataViewSchema schema)
        {
            _model = model;
            _precision = precision;
            _inputColumnName = inputColumnName;
            _source = source;
            Schema = schema;
        }

        public bool CanShuffle => _source.CanShuffle;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => _source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
            => new BatchedRowCursor<CompressionBatch>(
                CompressionBatch.Scorer(_model, _precision, _inputColumnName), _source, Schema, columnsNeeded.Select(c => c.Index).ToHashSet(), rand);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };
    }
}
