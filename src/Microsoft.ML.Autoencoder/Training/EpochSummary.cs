namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>What one training epoch achieved. A trained transformer keeps one per epoch run.</summary>
    public sealed class EpochSummary
    {
        internal EpochSummary(int epoch, double trainingLoss, double? validationLoss, double learningRate, double seconds)
        {
            Epoch = epoch;
            TrainingLoss = trainingLoss;
            ValidationLoss = validationLoss;
            LearningRate = learningRate;
            Seconds = seconds;
        }

        /// <summary>The epoch's number, starting at 1.</summary>
        public int Epoch { get; }

        /// <summary>
        /// The training loss averaged over the epoch's mini-batches (weighted by batch size), as
        /// minimized, including any regularization terms.
        /// </summary>
        public double TrainingLoss { get; }

        /// <summary>The reconstruction loss on the validation rows after the epoch, if there are any.</summary>
        public double? ValidationLoss { get; }

        /// <summary>The learning rate used during the epoch.</summary>
        public double LearningRate { get; }

        /// <summary>Wall-clock seconds the epoch took, validation included.</summary>
        public double Seconds { get; }

        /// <inheritdoc/>
        public override string ToString()
            => ValidationLoss is double validation
                ? $"epoch {Epoch}: training loss {TrainingLoss:G6}, validation loss {validation:G6}, learning rate {LearningRate:G3}, {Seconds:F2} s"
                : $"epoch {Epoch}: training loss {TrainingLoss:G6}, learning rate {LearningRate:G3}, {Seconds:F2} s";
    }
}
