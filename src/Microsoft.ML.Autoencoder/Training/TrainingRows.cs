using System;
using Microsoft.ML.Autoencoder.Architectures;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// Where the training loop gets its rows from: held in memory (<see cref="InMemoryTrainingRows"/>) or streamed from the
    /// source every epoch (<see cref="StreamingTrainingRows"/>). The loop itself does not know which.
    /// </summary>
    internal abstract class TrainingRows : IDisposable
    {
        /// <summary>How the rows are read, for the log.</summary>
        public abstract string Description { get; }

        /// <summary>
        /// Training rows (at most 4096) that the divergence checks measure the network on before and after training
        /// (<see cref="TrainingChecks.ReferenceLoss"/>), and whose first rows' outputs must be finite at the end.
        /// </summary>
        public abstract Tensor ReferenceRows { get; }

        /// <summary>The first training rows (at least the inference batch size's, when there are as many), for the last check of the outputs.</summary>
        public abstract Tensor FirstRows { get; }

        /// <summary>Starts an epoch: its mini-batches, shuffled or not as configured.</summary>
        public abstract EpochBatches StartEpoch();

        /// <summary>The validation loss of <paramref name="network"/>, or <see langword="null"/> without validation rows.</summary>
        public abstract double? ValidationLoss(AutoencoderNetwork network, TrainingChecks checks);

        /// <summary>Whether there are validation rows.</summary>
        public abstract bool HasValidation { get; }

        public abstract void Dispose();

        /// <summary>Moves a CPU tensor to <paramref name="device"/>, disposing the CPU copy when it moved.</summary>
        protected static Tensor ToDevice(Tensor tensor, Device device)
        {
            if (tensor.device_type == device.type && tensor.device_index == device.index)
                return tensor;
            using (tensor)
                return tensor.to(device);
        }
    }

    /// <summary>One epoch's mini-batches, taken in order by the training loop.</summary>
    internal abstract class EpochBatches : IDisposable
    {
        /// <summary>The next batch, created in the caller's dispose scope; <see langword="null"/> when the epoch has ended.</summary>
        public abstract Tensor? Next();

        /// <summary>The rows of the batches taken so far.</summary>
        public long RowCount { get; protected set; }

        public virtual void Dispose()
        {
        }
    }
}
