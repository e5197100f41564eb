using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Tests.Architectures;
using Microsoft.ML.Autoencoder.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>
    /// Training from a stream (<see cref="TrainingDataMode.Streaming"/>): the same model as in memory when the batches are the
    /// same, equivalent quality when shuffled, reproducible shuffles, bounded memory over a large generated source, the
    /// automatic choice by the budget, bad rows named by index, and every architecture.
    /// </summary>
    public class StreamingTrainingTests
    {
        private readonly ITestOutputHelper _output;

        public StreamingTrainingTests(ITestOutputHelper output) => _output = output;

        private static AutoencoderEstimator.Options Options(TrainingDataMode mode, AutoencoderArchitecture? architecture = null, bool shuffle = false) => new AutoencoderEstimator.Options
        {
            LatentDimension = 3,
            Architecture = architecture ?? new DenseArchitecture { HiddenSizes = new[] { 16 } },
            MaximumNumberOfEpochs = 3,
            EarlyStopping = false,
            BatchSize = 32,
            LearningRate = 1e-2f,
            Shuffle = shuffle,
            DataMode = mode,
            Seed = 1,
        };

        public static TheoryData<string, AutoencoderArchitecture, int, bool> SameBatches => new TheoryData<string, AutoencoderArchitecture, int, bool>
        {
            { "dense", new DenseArchitecture { HiddenSizes = new[] { 16 } }, 300, true },
            { "dense, reading inline", new DenseArchitecture { HiddenSizes = new[] { 16 } }, 300, false },
            // 289 rows in batches of 32: a lone last row joins the batch before, in both modes.
            { "dense with batch normalization and a lone last row", new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true }, 289, true },
        };

        [Theory]
        [MemberData(nameof(SameBatches))]
        public void Fit_StreamingWithoutShuffle_GivesTheInMemoryModel(string name, AutoencoderArchitecture architecture, int rows, bool overlap)
        {
            var ml = new MLContext(1);
            var data = SyntheticData.LowRankRows(rows, 20, 3, seed: 7);
            var view = SyntheticData.ToDataView(ml, data, 20);
            var inMemoryOptions = Options(TrainingDataMode.InMemory, architecture.Clone());
            var streamingOptions = Options(TrainingDataMode.Streaming, architecture.Clone());
            streamingOptions.OverlapReading = overlap;
            using var inMemory = ml.Transforms.Autoencoder(inMemoryOptions).Fit(view);
            using var streamed = ml.Transforms.Autoencoder(streamingOptions).Fit(view);

            // The same batches in the same order, each copied into a tensor of libtorch's own: the same kernels on the same
            // values, so the models are equal to the last bit.
            var flat = SyntheticData.Flatten(data);
            Assert.Equal(inMemory.TrainingHistory.Select(h => h.TrainingLoss), streamed.TrainingHistory.Select(h => h.TrainingLoss));
            Assert.True(inMemory.Encode(flat).SequenceEqual(streamed.Encode(flat)), name);
            Assert.True(inMemory.Reconstruct(flat).SequenceEqual(streamed.Reconstruct(flat)), name);
        }

        [Fact]
        public void Fit_StreamingBatchNormalizationWithALoneLastRow_SaysOnceThatItJoinsTheBatchBefore()
        {
            var ml = new MLContext(1);
            var messages = new ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            var options = Options(TrainingDataMode.Streaming, new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true }, shuffle: true);
            options.ShuffleBufferRows = 50;
            using var model = ml.Transforms.Autoencoder(options).Fit(new GeneratedDataView(289, 20));

            Assert.Single(messages, m => m.Contains("The last mini-batch of each epoch would hold 1 row (289 training rows, batch size 32)", StringComparison.Ordinal));
            Assert.True(model.Encode(new GeneratedDataView(289, 20).Row(288)).All(float.IsFinite));
        }

        [Fact]
        public void Fit_StreamingBatchNormalizationOnOneRow_ThrowsSayingWhy()
        {
            var ml = new MLContext(1);
            var options = Options(TrainingDataMode.Streaming, new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true });
            var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(new GeneratedDataView(1, 20)));
            Assert.Contains("The training data has 1 row, but this architecture trains on batches of at least 2: batch normalization", error.Message);
        }

        [Fact]
        public void Fit_StreamingWithShuffleBuffer_ReachesTheInMemoryQuality()
        {
            var ml = new MLContext(1);
            // Sorted by a factor, as a file written in some order would be: shuffling matters.
            var data = SyntheticData.LowRankRows(600, 20, 3, seed: 7).OrderBy(r => r[0]).ToArray();
            var view = SyntheticData.ToDataView(ml, data, 20);
            var inMemoryOptions = Options(TrainingDataMode.InMemory, shuffle: true);
            var streamingOptions = Options(TrainingDataMode.Streaming, shuffle: true);
            inMemoryOptions.MaximumNumberOfEpochs = streamingOptions.MaximumNumberOfEpochs = 10;
            streamingOptions.ShuffleBufferRows = 200;
            var unshuffledOptions = Options(TrainingDataMode.Streaming, shuffle: false);
            unshuffledOptions.MaximumNumberOfEpochs = 10;
            using var inMemory = ml.Transforms.Autoencoder(inMemoryOptions).Fit(view);
            using var streamed = ml.Transforms.Autoencoder(streamingOptions).Fit(view);
            using var unshuffled = ml.Transforms.Autoencoder(unshuffledOptions).Fit(view);

            var flat = SyntheticData.Flatten(data);
            double inMemoryError = ShapedData.MeanSquaredError(inMemory.Reconstruct(flat), data);
            double streamedError = ShapedData.MeanSquaredError(streamed.Reconstruct(flat), data);
            double unshuffledError = ShapedData.MeanSquaredError(unshuffled.Reconstruct(flat), data);
            _output.WriteLine($"in memory {inMemoryError:G4}, streamed through the buffer {streamedError:G4}, streamed unshuffled {unshuffledError:G4}");
            // Another shuffle gives another model, so equivalent quality is a bound: within 30% of the full shuffle's error
            // (measured: 1.2 times), and well below the error of the same rows in their sorted order (measured: a quarter).
            Assert.InRange(streamedError, 0, 1.3 * inMemoryError);
            Assert.True(streamedError < 0.5 * unshuffledError);
        }

        [Fact]
        public void Fit_StreamingWithShuffle_IsReproducibleWithTheSeedAndChangesWithIt()
        {
            var ml = new MLContext(1);
            var data = SyntheticData.LowRankRows(300, 20, 3, seed: 7);
            var view = SyntheticData.ToDataView(ml, data, 20);
            var options = Options(TrainingDataMode.Streaming, shuffle: true);
            options.ShuffleBufferRows = 100;
            using var first = ml.Transforms.Autoencoder(options).Fit(view);
            using var second = ml.Transforms.Autoencoder(options).Fit(view);
            options.Seed = 2;
            using var otherSeed = ml.Transforms.Autoencoder(options).Fit(view);

            var flat = SyntheticData.Flatten(data);
            Assert.True(first.Encode(flat).SequenceEqual(second.Encode(flat)));
            Assert.False(first.Encode(flat).SequenceEqual(otherSeed.Encode(flat)));
        }

        [Fact]
        public void RowStream_ShuffleBuffer_IsAReproduciblePermutation()
        {
            var source = new GeneratedDataView(1000, 8);
            var rows = new StreamingRows(source, "Features", 8, requireUnitInterval: false, "training data");

            var first = RowOrder(rows, source, new Random(5), bufferRows: 100);
            var again = RowOrder(rows, source, new Random(5), bufferRows: 100);
            var other = RowOrder(rows, source, new Random(6), bufferRows: 100);

            Assert.Equal(Enumerable.Range(0, 1000), first.OrderBy(i => i));
            Assert.Equal(first, again);
            Assert.NotEqual(first, other);
            Assert.NotEqual(Enumerable.Range(0, 1000), first);
            // A buffer of 100 rows moves a row forward by fewer than 100 places (it can hold one back for long): the local
            // shuffle that it is.
            Assert.All(first.Select((row, position) => row - position), ahead => Assert.True(ahead < 100));
        }

        [Fact]
        public void RowStream_SourceThatCanShuffle_UsesItsShuffledCursorReproducibly()
        {
            var ml = new MLContext(1);
            string path = Path.Combine(Path.GetTempPath(), $"streaming-{Guid.NewGuid():N}.idv");
            try
            {
                var data = Enumerable.Range(0, 500).Select(i => Enumerable.Repeat((float)i, 4).ToArray()).ToArray();
                using (var file = File.Create(path))
                    ml.Data.SaveAsBinary(SyntheticData.ToDataView(ml, data, 4), file);
                var view = ml.Data.LoadFromBinary(path);
                Assert.True(view.CanShuffle);
                var rows = new StreamingRows(view, "Features", 4, requireUnitInterval: false, "training data");

                var first = Read(rows, new Random(3));
                var again = Read(rows, new Random(3));
                Assert.Equal(Enumerable.Range(0, 500).Select(i => (float)i), first.OrderBy(v => v));
                Assert.Equal(first, again);
                Assert.NotEqual(Enumerable.Range(0, 500).Select(i => (float)i), first);
            }
            finally
            {
                File.Delete(path);
            }

            static float[] Read(StreamingRows rows, Random random)
            {
                using var stream = rows.Open(random, bufferRows: 0);
                Assert.True(stream.SourceShuffled);
                var values = new float[500 * 4];
                Assert.Equal(500, stream.Read(values));
                return values.Where((_, i) => i % 4 == 0).ToArray();
            }
        }

        [Fact]
        public void RowHoldout_ValidationFraction_SplitsTheSameRowsEveryTimeNearTheFraction()
        {
            var source = new GeneratedDataView(10_000, 4);
            var train = new StreamingRows(source, "Features", 4, false, "training data", new RowHoldout(1, 0.2, HeldOut: false));
            var validation = new StreamingRows(source, "Features", 4, false, "validation data", new RowHoldout(1, 0.2, HeldOut: true));

            long trainRows = Count(train), validationRows = Count(validation);
            Assert.Equal(10_000, trainRows + validationRows);
            Assert.InRange(validationRows, 1_850, 2_150);
            Assert.Equal(validationRows, Count(validation));

            static long Count(StreamingRows rows)
            {
                using var stream = rows.Open(null, 0);
                var buffer = new float[256 * 4];
                while (stream.Read(buffer) > 0)
                {
                }
                return stream.RowCount;
            }
        }

        [Fact]
        public void Fit_StreamingALargeGeneratedSource_HoldsFewRows()
        {
            // 260,000 rows of 784 values: 815 MB if they were stored. Read on the training thread, so that the managed
            // allocations of the reading are this thread's.
            var ml = new MLContext(1);
            var source = new GeneratedDataView(260_000, 784);
            var options = Options(TrainingDataMode.Streaming, new DenseArchitecture { HiddenSizes = Array.Empty<int>() }, shuffle: true);
            options.LatentDimension = 4;
            options.BatchSize = 1024;
            options.MaximumNumberOfEpochs = 1;
            options.ShuffleBufferRows = 4096;
            options.OverlapReading = false;
            using var process = Process.GetCurrentProcess();
            long residentBefore = process.WorkingSet64;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

            using var model = ml.Transforms.Autoencoder(options).Fit(source);

            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            process.Refresh();
            long residentGrowth = process.WorkingSet64 - residentBefore;
            _output.WriteLine($"{source.RowsServed} rows served, {allocated >> 20} MB allocated on this thread, resident set {residentGrowth >> 20} MB larger");
            Assert.True(source.RowsServed >= 260_000);
            // The shuffle buffer (13 MB), three batches (10 MB) and the reference rows (13 MB) are what is held.
            Assert.InRange(allocated, 0, 100L << 20);
            // Other tests run meanwhile: a generous bound, still far below the 815 MB the rows would take.
            Assert.InRange(residentGrowth, long.MinValue, 400L << 20);
        }

        public static TheoryData<bool, bool, string> AutoCases => new TheoryData<bool, bool, string>
        {
            { true, true, "in memory (300 rows of 20 values as the source reports" },
            { true, false, "streamed from a fresh cursor every epoch (300 rows of 20 values as the source reports" },
            { false, true, "in memory (300 rows of 20 values, " },
            { false, false, "streamed from a fresh cursor every epoch (the source does not report its row count" },
        };

        [Theory]
        [MemberData(nameof(AutoCases))]
        public void Fit_Auto_ChoosesByTheBudgetAndSaysWhy(bool reportsRowCount, bool fits, string expected)
        {
            var ml = new MLContext(1);
            var messages = new ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            var options = Options(TrainingDataMode.Auto);
            options.MaximumNumberOfEpochs = 1;
            options.InMemoryBudgetBytes = fits ? 300 * 20 * sizeof(float) : 300 * 20 * sizeof(float) - 1;
            using var model = ml.Transforms.Autoencoder(options).Fit(new GeneratedDataView(300, 20, reportsRowCount));

            Assert.Single(messages, m => m.Contains("Training data: " + expected, StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("rows/s"));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Fit_StreamingARowWithNaN_NamesItsRowIndex(bool shuffle)
        {
            var ml = new MLContext(1);
            var options = Options(TrainingDataMode.Streaming, shuffle: shuffle);
            var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(new GeneratedDataView(300, 20) { NaNRow = 123 }));
            Assert.Contains("Row 123 of column 'Features' in the training data has a NaN value at index 10", error.Message);
        }

        [Fact]
        public void Fit_StreamingARowOfTheWrongLength_NamesItsRowIndex()
        {
            var ml = new MLContext(1);
            var options = Options(TrainingDataMode.Streaming);
            var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(options).Fit(new GeneratedDataView(300, 20) { ShortRow = 45 }));
            Assert.Contains("Row 45 of column 'Features' in the training data has 19 values; 20 were expected", error.Message);
        }

        [Fact]
        public void Fit_StreamingWithValidationFractionAndEarlyStopping_ValidatesEveryEpochAndRestoresTheBest()
        {
            var ml = new MLContext(1);
            var messages = new ConcurrentQueue<string>();
            ml.Log += (_, e) => messages.Enqueue(e.Message);
            var options = Options(TrainingDataMode.Streaming, shuffle: true);
            options.ValidationFraction = 0.25f;
            options.EarlyStopping = true;
            options.Patience = 2;
            options.MaximumNumberOfEpochs = 30;
            options.LearningRate = 0.05f;
            using var model = ml.Transforms.Autoencoder(options).Fit(SyntheticData.LowRank(ml, rows: 400));

            var history = model.TrainingHistory;
            _output.WriteLine(string.Join("\n", messages));
            Assert.All(history, h => Assert.True(h.ValidationLoss > 0));
            Assert.True(history.Count < 30);
            Assert.Contains(messages, m => m.Contains("Stopped after epoch", StringComparison.Ordinal));
            double best = history.Min(h => h.ValidationLoss!.Value);
            if (history[^1].ValidationLoss > best)
                Assert.Contains(messages, m => m.Contains("Restored the weights of epoch", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Fit_StreamingCancelledWhileRowsAreRead_ThrowsAndFreesEveryTensor(bool overlap)
        {
            var ml = new MLContext(1);
            // Cancelled from the source itself (on the reader thread, when reading ahead) in the middle of the second epoch:
            // 3000 rows for the reference rows, 3000 for the first epoch, then 1500.
            const long cancelledAt = 3000 + 3000 + 1500;
            var source = new GeneratedDataView(3000, 20) { OnRowServed = served => { if (served == cancelledAt) Cancel(ml); } };
            var options = Options(TrainingDataMode.Streaming, shuffle: true);
            options.OverlapReading = overlap;
            options.ShuffleBufferRows = 100;
            long liveBefore = global::TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

            Assert.Throws<OperationCanceledException>(() => ml.Transforms.Autoencoder(options).Fit(source));

            Assert.Equal(liveBefore, global::TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            // The reading stopped with it: at most the shuffle buffer (100 rows) and three batches of 32 (and their look-ahead)
            // were read past the cancellation, and nothing is read after Fit has returned.
            long served = source.RowsServed;
            Assert.InRange(served, cancelledAt, cancelledAt + 100 + 3 * 33 + 1);
            Assert.Equal(served, source.RowsServed);
        }

        private static void Cancel(MLContext ml)
            => typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(ml, null);

        [Fact]
        public void Fit_StreamingWithValidationData_StreamsItToo()
        {
            var ml = new MLContext(1);
            var options = Options(TrainingDataMode.Streaming);
            options.ValidationData = new GeneratedDataView(100, 20, seed: 2);
            using var model = ml.Transforms.Autoencoder(options).Fit(new GeneratedDataView(300, 20));
            Assert.All(model.TrainingHistory, h => Assert.True(h.ValidationLoss > 0));
        }

        public static TheoryData<string, AutoencoderEstimator.Options, IDataView> Architectures()
        {
            var ml = new MLContext(1);
            var dense = Options(TrainingDataMode.Streaming, shuffle: true);
            dense.Denoising = new DenoisingOptions { DropProbability = 0.2f };
            dense.Sparsity = new SparsityOptions();
            var variational = Options(TrainingDataMode.Streaming, new DenseArchitecture { HiddenSizes = new[] { 16 }, BatchNormalization = true }, shuffle: true);
            variational.Variational = new VariationalOptions();
            var contractive = Options(TrainingDataMode.Streaming, shuffle: true);
            contractive.Contractive = new ContractiveOptions();
            var convolutional = Options(TrainingDataMode.Streaming, new ConvolutionalArchitecture { FilterCounts = new[] { 4 } }, shuffle: true);
            convolutional.BatchSize = 16;
            var recurrent = Options(TrainingDataMode.Streaming, new RecurrentArchitecture { Cell = RecurrentCell.Gru, HiddenSize = 8 }, shuffle: true);
            recurrent.OutputActivation = OutputActivation.Identity;
            recurrent.BatchSize = 16;
            return new TheoryData<string, AutoencoderEstimator.Options, IDataView>
            {
                { "dense, denoising and sparse", dense, SyntheticData.LowRank(ml) },
                { "dense with batch normalization, variational", variational, SyntheticData.LowRank(ml) },
                { "dense, contractive", contractive, SyntheticData.LowRank(ml) },
                { "convolutional", convolutional, ShapedData.ToDataView(ml, ShapedData.BlobsAndBars(64, side: 8, seed: 2), 1, 8, 8) },
                { "recurrent", recurrent, ShapedData.ToDataView(ml, ShapedData.NoisySines(64, 12, 2, seed: 3), 12, 2) },
            };
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public void Fit_StreamingEachArchitectureAndVariant_LossFalls(string name, AutoencoderEstimator.Options options, IDataView data)
        {
            var ml = new MLContext(1);
            options.MaximumNumberOfEpochs = 5;
            using var model = ml.Transforms.Autoencoder(options).Fit(data);
            var history = model.TrainingHistory;
            _output.WriteLine($"{name}: {string.Join("; ", history)}");
            Assert.Equal(5, history.Count);
            Assert.True(history[^1].TrainingLoss < history[0].TrainingLoss, name);
        }

        /// <summary>The source row index of every row of one pass, from the generated rows' values.</summary>
        private static int[] RowOrder(StreamingRows rows, GeneratedDataView source, Random random, int bufferRows)
        {
            int d = source.Size;
            var byValues = Enumerable.Range(0, (int)source.GetRowCount()!.Value).ToDictionary(i => string.Join(",", source.Row(i)), i => i);
            using var stream = rows.Open(random, bufferRows);
            var values = new float[(int)source.GetRowCount()!.Value * d];
            int count = stream.Read(values);
            return Enumerable.Range(0, count).Select(i => byValues[string.Join(",", values.AsSpan(i * d, d).ToArray())]).ToArray();
        }
    }
}
