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
        [InlineData(1, 8, false)] // grows from one row
        [InlineData(7, 1000, false)] // the last growth partly filled
        [InlineData(10, 1000, false)]
        [InlineData(1000, 50, false)] // all rows in the first allocation
        [InlineData(1, 1000, true)] // a reservation (Linux; elsewhere it grows)
        public void Read_UnknownRowCount_EveryGrowthGivesTheRowsInOrder(int initialRows, int rowCount, bool reserve)
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(rowCount, Columns, 3, seed: 2);
            var data = Streaming(ml, rows);
            Assert.Null(data.GetRowCount());

            using var matrix = FeatureMatrix.Read(data, "Features", Columns, requireUnitInterval: false, "training data", initialRows * Columns * sizeof(float), reserve: reserve)!;

            Assert.Equal(rowCount, matrix.RowCount);
            Assert.Equal(rowCount * Columns, matrix.Values.Length);
            Assert.Equal(SyntheticData.Flatten(rows), matrix.Values.ToArray());
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void MoveToTensor_GivesTheRowsWithoutTheMatrix(bool reserve)
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(500, Columns, 3, seed: 5);
            var matrix = FeatureMatrix.Read(Streaming(ml, rows), "Features", Columns, requireUnitInterval: false, "training data", 64 * Columns * sizeof(float), reserve: reserve)!;

            using (var tensor = matrix.MoveToTensor())
            {
                Assert.Equal(new long[] { 500, Columns }, tensor.shape);
                Assert.Equal(SyntheticData.Flatten(rows), tensor.data<float>().ToArray());
            }
            Assert.Throws<ObjectDisposedException>(() => matrix.Values.Length);
            matrix.Dispose(); // nothing left to free
        }

        [Fact]
        public void ReadWithin_BeyondTheBudget_GivesNull()
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(100, Columns, 3, seed: 6);

            Assert.Null(FeatureMatrix.ReadWithin(Streaming(ml, rows), "Features", Columns, requireUnitInterval: false, "training data", 99 * Columns * sizeof(float)));
            using var all = FeatureMatrix.ReadWithin(Streaming(ml, rows), "Features", Columns, requireUnitInterval: false, "training data", 100 * Columns * sizeof(float));
            Assert.Equal(100, all!.RowCount);
        }

        [Fact]
        public void Read_KnownRowCount_GivesTheRowsInOrder()
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(300, Columns, 3, seed: 3);
            var data = ml.Data.Cache(SyntheticData.ToDataView(ml, rows, Columns));
            Assert.Equal(300, data.GetRowCount());

            using var matrix = FeatureMatrix.Read(data, "Features", Columns, requireUnitInterval: false, "training data");

            Assert.Equal(SyntheticData.Flatten(rows), matrix.Values.ToArray());
        }

        [Fact]
        public void Read_BadRowAfterGrowing_NamesTheRow()
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(1000, Columns, 3, seed: 4);
            rows[373][5] = float.NaN;
            var data = Streaming(ml, rows);

            var error = Assert.Throws<InvalidOperationException>(() =>
                FeatureMatrix.Read(data, "Features", Columns, requireUnitInterval: false, "training data", 16 * Columns * sizeof(float), reserve: false));
            Assert.Contains("Row 373", error.Message);
            Assert.Contains("index 5", error.Message);
        }

        [Fact]
        public void Read_BadRowBeforeTheSourceFails_NamesTheBadRow()
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(100, Columns, 3, seed: 7);
            rows[73][5] = float.PositiveInfinity;
            var definition = SchemaDefinition.Create(typeof(SyntheticData.Row));
            definition[nameof(SyntheticData.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Columns);
            var data = ml.Data.LoadFromEnumerable(rows.Select((r, i) => i == 90 ? throw new InvalidOperationException("The source broke.") : new SyntheticData.Row { Features = r }), definition);

            var error = Assert.Throws<InvalidOperationException>(() =>
                FeatureMatrix.Read(data, "Features", Columns, requireUnitInterval: false, "training data", 16 * Columns * sizeof(float)));
            Assert.Contains("Row 73", error.Message);
            Assert.Contains("infinite", error.Message);
        }

        [Fact]
        public void ReadWithin_BadRowBeforeTheBudgetIsExceeded_NamesTheRow()
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(100, Columns, 3, seed: 8);
            rows[40][0] = float.NaN;

            var error = Assert.Throws<InvalidOperationException>(() =>
                FeatureMatrix.Read(Streaming(ml, rows), "Features", Columns, requireUnitInterval: false, "training data", 16 * Columns * sizeof(float), maximumBytes: 60 * Columns * sizeof(float)));
            Assert.Contains("Row 40", error.Message);
        }
    }
}
