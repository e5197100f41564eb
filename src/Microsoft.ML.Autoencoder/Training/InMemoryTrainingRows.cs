using System;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// The training rows in one tensor: each epoch is a permutation of them (from a generator seeded with the seed) cut into
    /// mini-batches, a last batch of fewer than the network's minimum joining the one before.
    /// </summary>
    internal sealed class InMemoryTrainingRows : TrainingRows
    {
        private readonly Tensor _train;
        private readonly Tensor? _validation;
        private readonly Tensor _reference;
        private readonly Generator _shuffleGenerator;
        private readonly Device _device;
        private readonly bool _shuffle;
        private readonly int _batchSize;
        private readonly long _minimumRows;

        public InMemoryTrainingRows(FeatureMatrix train, FeatureMatrix? validation, Device device, bool shuffle, int seed, int batchSize, long minimumRows, string reason)
        {
            _train = ToDevice(train.MoveToTensor(), device);
            _validation = validation is null ? null : ToDevice(validation.MoveToTensor(), device);
            _shuffleGenerator = new Generator((ulong)seed);
            _reference = TrainingChecks.ReferenceRows(_train);
            _device = device;
            _shuffle = shuffle;
            _batchSize = batchSize;
            _minimumRows = minimumRows;
            Description = $"in memory ({reason})";
        }

        public override string Description { get; }

        public override Tensor ReferenceRows => _reference;

        public override Tensor FirstRows => _train;

        public override bool HasValidation => _validation is not null;

        public override EpochBatches StartEpoch()
            => new Batches(this, ToDevice(_shuffle ? torch.randperm(_train.shape[0], generator: _shuffleGenerator) : torch.arange(_train.shape[0]), _device));

        public override double? ValidationLoss(AutoencoderNetwork network, TrainingChecks checks)
            => _validation is null ? null : checks.Evaluate(network, _validation);

        public override void Dispose()
        {
            _reference.Dispose();
            _validation?.Dispose();
            _train.Dispose();
            _shuffleGenerator.Dispose();
        }

        private sealed class Batches : EpochBatches
        {
            private readonly InMemoryTrainingRows _rows;
            private readonly Tensor _order;
            private long _start;

            public Batches(InMemoryTrainingRows rows, Tensor order)
            {
                _rows = rows;
                _order = order;
            }

            public override Tensor? Next()
            {
                long rows = _order.shape[0];
                if (_start >= rows)
                    return null;
                long count = Math.Min(_rows._batchSize, rows - _start);
                long rest = rows - _start - count;
                if (rest > 0 && rest < _rows._minimumRows)
                    count += rest; // too few rows left for a batch of their own: they join this one
                var batch = _rows._train.index_select(0, _order.narrow(0, _start, count));
                _start += count;
                RowCount += count;
                return batch;
            }

            public override void Dispose() => _order.Dispose();
        }
    }
}
