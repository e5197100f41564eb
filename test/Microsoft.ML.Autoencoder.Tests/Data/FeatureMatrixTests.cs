using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.AnomalyDetection;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Platform;
using Microsoft.ML.Autoencoder.Tests.AnomalyDetection;
using Microsoft.ML.Autoencoder.Tests.Architectures;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Data
{
    /// <summary>Reading a training column into one buffer, with and without a known row count.</summary>
    public class FeatureMatrixTests
    {
        private const int Columns = 20;

        /// <summary>A view over a lazy sequence: ML.NET does not know its row count.</summary>
        internal static IDataView Streaming(MLContext ml, float[][] rows)
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

    /// <summary>
    /// Who frees the rows' native memory: the matrix, or the tensor it was moved into (libtorch's deleter). Alone, as it
    /// counts the process's live blocks.
    /// </summary>
    [Collection(NativeMemoryCollection.Name)]
    public class FeatureMatrixMemoryTests
    {
        private const int Columns = 20;

        private static IDataView Streaming(MLContext ml, float[][] rows) => FeatureMatrixTests.Streaming(ml, rows);

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Memory_IsFreedByTheTensorOrTheMatrix_WhicheverOwnsIt(bool reserve)
        {
            var ml = new MLContext(1);
            var rows = SyntheticData.LowRankRows(300, Columns, 3, seed: 10);
            long before = NativeFloats.LiveBlocks;

            var moved = FeatureMatrix.Read(Streaming(ml, rows), "Features", Columns, requireUnitInterval: false, "training data", 8 * Columns * sizeof(float), reserve: reserve)!;
            var kept = FeatureMatrix.Read(Streaming(ml, rows), "Features", Columns, requireUnitInterval: false, "training data", 8 * Columns * sizeof(float), reserve: reserve)!;
            var selected = kept.SelectRows(new[] { 5, 3, 299 });
            Assert.Equal(before + 3, NativeFloats.LiveBlocks);
            Assert.Equal(kept.Values.Slice(299 * Columns, Columns).ToArray(), selected.Values.Slice(2 * Columns, Columns).ToArray());

            var tensor = moved.MoveToTensor();
            moved.Dispose(); // the tensor owns the memory now
            Assert.Equal(before + 3, NativeFloats.LiveBlocks);
            using (var view = tensor.narrow(0, 10, 5))
            {
                tensor.Dispose(); // the view keeps the storage
                Assert.Equal(before + 3, NativeFloats.LiveBlocks);
                using var first = view[0];
                Assert.Equal(rows[10], first.data<float>().ToArray());
            }
            Assert.Equal(before + 2, NativeFloats.LiveBlocks); // libtorch's deleter freed it
            kept.Dispose();
            selected.Dispose();
            Assert.Equal(before, NativeFloats.LiveBlocks);
        }

        [Fact]
        public void Fit_WithAValidationSplit_FreesEveryBlock()
        {
            var ml = new MLContext(1);
            long before = NativeFloats.LiveBlocks;
            var options = new AutoencoderEstimator.Options
            {
                LatentDimension = 2,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 8 } },
                MaximumNumberOfEpochs = 2,
                ValidationFraction = 0.25f,
                Seed = 1,
            };

            using (var model = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, ShapedData.Uniform(200, Columns, seed: 11), Columns)))
                Assert.NotEmpty(model.TrainingHistory);

            Assert.Equal(before, NativeFloats.LiveBlocks); // the read, both halves of the split and their tensors
        }

        [Fact]
        public void FitAnomalyDetector_InMemory_FreesEveryBlock()
        {
            var ml = new MLContext(1);
            long before = NativeFloats.LiveBlocks;
            var options = new AutoencoderAnomalyTrainer.Options { EnsembleSize = 2 };
            options.Autoencoder.MaximumNumberOfEpochs = 2;
            options.Autoencoder.Seed = 3;

            using (var detector = ml.AnomalyDetection.Trainers.Autoencoder(options).Fit(AnomalyData.ToDataView(ml, AnomalyData.Rows(300, 10, seed: 12))))
                Assert.Equal(2, detector.EnsembleSize);

            Assert.Equal(before, NativeFloats.LiveBlocks);
        }
    }
}
