using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Data
{
    /// <summary>Reading a training column into one buffer, with and without a known row count.</summary>
    public class FeatureMatrixTests
    {
        private const int Columns = 20;

        /// <summary>A view over a lazy sequence: ML.NET does not know its row count.</summary>
        private static IDataView Streaming(MLContext ml, float[][] rows)
        {
            var definition = SchemaDefinition.Create(typeof(SyntheticData.Row));
            definition[nameof(SyntheticData.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Columns);
            return ml.Data.LoadFromEnumerable(rows.Select(r => new SyntheticData.Row { Features = r }), definition);
        }

        [Theory]
        [InlineData(1, 8)] // one row per chunk
        [InlineData(7, 1000)] // the last chunk partly filled
        [InlineData(10, 1000)] // every chunk full
        [InlineData(1000, 50)] // all rows in one chunk
        public void Read_UnknownRowCount_EveryChunkSizeGivesTheRowsInOrder(int chunkRows, int rowCount)
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(rowCount, Columns, 3, seed: 2);
            var data = Streaming(ml, rows);
            Assert.Null(data.GetRowCount());

            var matrix = FeatureMatrix.Read(data, "Features", Columns, requireUnitInterval: false, "training data", chunkRows * Columns * sizeof(float))!;

            Assert.Equal(rowCount, matrix.RowCount);
            Assert.Equal(rowCount * Columns, matrix.Values.Length);
            Assert.Equal(SyntheticData.Flatten(rows), matrix.Values);
        }

        [Fact]
        public void Read_KnownRowCount_GivesTheRowsInOrder()
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(300, Columns, 3, seed: 3);
            var data = ml.Data.Cache(SyntheticData.ToDataView(ml, rows, Columns));
            Assert.Equal(300, data.GetRowCount());

            var matrix = FeatureMatrix.Read(data, "Features", Columns, requireUnitInterval: false, "training data");

            Assert.Equal(SyntheticData.Flatten(rows), matrix.Values);
        }

        [Fact]
        public void Read_BadRowInALaterChunk_NamesTheRowAndFreesTheChunks()
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(100, Columns, 3, seed: 4);
            rows[73][5] = float.NaN;
            var data = Streaming(ml, rows);

            var error = Assert.Throws<InvalidOperationException>(() =>
                FeatureMatrix.Read(data, "Features", Columns, requireUnitInterval: false, "training data", 16 * Columns * sizeof(float)));
            Assert.Contains("Row 73", error.Message);
            Assert.Contains("index 5", error.Message);
        }
    }
}
