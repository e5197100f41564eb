using System;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// The training rows read from the source every epoch (<see cref="StreamingRows"/>): memory holds a few mini-batches,
    /// the shuffle buffer and the reference rows, whatever the data's size. Each epoch draws its shuffle from a generator
    /// seeded with the seed, so a seeded training is reproducible; without shuffling the batches are those of the in-memory
    /// path, in the same order.
    /// </summary>
    internal sealed class StreamingTrainingRows : TrainingRows
    {
        /// <summary>The most rows of <see cref="ReferenceRows"/>: the first training rows.</summary>
        private const int ReferenceRowCount = 4096;

        private readonly StreamingRows _train;
        private readonly StreamingRows? _validation;
        private readonly Device _device;
        private readonly Random? _shuffle;
        private readonly int _shuffleBufferRows;
        private readonly int _batchSize;
        private readonly int _minimumRows;
        private readonly bool _overlap;
        private readonly Tensor _reference;
        private float[]? _shuffleBuffer;

        public StreamingTrainingRows(StreamingRows train, StreamingRows? validation, Device device, bool shuffle, int seed, int shuffleBufferRows,
            int batchSize, int minimumRows, bool overlap, string reason)
        {
            _train = train;
            _validation = validation;
            _device = device;
            _shuffle = shuffle ? new Random(seed) : null;
            _shuffleBufferRows = shuffleBufferRows;
            _batchSize = batchSize;
            _minimumRows = minimumRows;
            _overlap = overlap;

            int d = train.ColumnCount;
            var first = new float[(long)ReferenceRowCount * d];
            int count;
            using (var rows = train.Open(shuffle: null, bufferRows: 0))
                count = rows.Read(first);
            if (count == 0)
            {
                if (train.Holdout is RowHoldout holdout)
                    throw NoRowsLeft(holdout, "training");
                throw new InvalidOperationException($"The {train.DataName} has no rows in column '{train.ColumnName}'.");
            }
            _reference = TensorConversion.ToTensor(first, count, d, device);
            string shuffling = !shuffle ? "not shuffled"
                : $"shuffled {(train.Data.CanShuffle ? "by the source's shuffled cursor" : "(the source cannot shuffle itself)")}{(shuffleBufferRows > 0 ? $" and a buffer of {shuffleBufferRows} rows" : " without a buffer")}";
            Description = $"streamed from a fresh cursor every epoch ({reason}); rows {shuffling}{(overlap ? ", read on a thread of their own while the network computes" : "")}";
        }

        public override string Description { get; }

        public override Tensor ReferenceRows => _reference;

        public override Tensor FirstRows => _reference;

        public override bool HasValidation => _validation is not null;

        /// <summary>Whether the last batch of the epoch was too small and joined the one before (for the log).</summary>
        public bool LastBatchMerged { get; private set; }

        public override EpochBatches StartEpoch()
        {
            if (_shuffle is not null && _shuffleBufferRows > 0)
                _shuffleBuffer ??= new float[(long)_shuffleBufferRows * _train.ColumnCount];
            var rows = _train.Open(_shuffle is null ? null : new Random(_shuffle.Next()), _shuffleBufferRows, _shuffleBuffer);
            return new Batches(this, new StreamingBatches(rows, _batchSize, _minimumRows, _train.ColumnCount, _overlap));
        }

        public override double? ValidationLoss(AutoencoderNetwork network, TrainingChecks checks)
        {
            if (_validation is null)
                return null;
            var (loss, rows) = checks.Evaluate(network, _validation, _device);
            if (rows == 0)
            {
                if (_validation.Holdout is RowHoldout holdout)
                    throw NoRowsLeft(holdout, "validation");
                throw new InvalidOperationException($"The {_validation.DataName} has no rows in column '{_validation.ColumnName}'.");
            }
            return loss;
        }

        public override void Dispose() => _reference.Dispose();

        private static ArgumentOutOfRangeException NoRowsLeft(RowHoldout holdout, string side)
            => new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.ValidationFraction), holdout.Fraction,
                $"A validation fraction of {holdout.Fraction} leaves no rows for {side}.");

        private sealed class Batches : EpochBatches
        {
            private readonly StreamingTrainingRows _owner;
            private readonly StreamingBatches _batches;

            public Batches(StreamingTrainingRows owner, StreamingBatches batches)
            {
                _owner = owner;
                _batches = batches;
            }

            public override Tensor? Next()
            {
                if (!_batches.TryTake(out var values, out int offset, out int rows))
                {
                    _owner.LastBatchMerged = _batches.LastBatchMerged;
                    return null;
                }
                if (RowCount == 0 && rows < _owner._minimumRows)
                    throw new InvalidOperationException($"The training data has {rows} row{(rows == 1 ? "" : "s")}, but this architecture trains on batches of at least {_owner._minimumRows}: {AutoencoderTrainer.BatchNormalizationReason}.");
                RowCount += rows;
                int d = _owner._train.ColumnCount;
                var device = _owner._device;
                // On the CPU libtorch reads the pinned, aligned buffer in place; elsewhere it is copied to the device.
                return device.type == TorchSharp.DeviceType.CPU
                    ? TensorConversion.View(values, offset, rows, d)
                    : TensorConversion.ToTensor(values.AsSpan(offset, rows * d), rows, d, device);
            }

            public override void Dispose() => _batches.Dispose();
        }
    }
}
