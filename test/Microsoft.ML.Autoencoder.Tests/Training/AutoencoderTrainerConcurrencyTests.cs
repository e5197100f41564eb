using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime;
using System.Threading;
using Microsoft.ML.Autoencoder.Tests.Architectures;
using Microsoft.ML.Autoencoder.Tests.Data;
using Microsoft.ML.Autoencoder.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>
    /// A seeded training owns its random generators: what other threads draw from torch's process-wide generator does
    /// not change it, and trainings on separate MLContexts run at the same time, each bit-identical to itself run alone.
    /// Runs alone: other threads here draw from torch's global generator, and the no-GC region is process-wide.
    /// </summary>
    [Collection(NativeMemoryCollection.Name)]
    public class AutoencoderTrainerConcurrencyTests
    {
        /// <summary>Hang protection only: every wait below ends as soon as the other threads get there.</summary>
        private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

        private static (float[][] Rows, int[] Dimensions, AutoencoderEstimator.Options Options) Case(int index)
        {
            var options = new AutoencoderEstimator.Options
            {
                LatentDimension = 3, MaximumNumberOfEpochs = 4, Patience = 10, BatchSize = 16, LearningRate = 1e-2f, Seed = 11 + index,
            };
            switch (index)
            {
                case 0:
                    options.Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 }, Dropout = 0.2f };
                    return (SyntheticData.LowRankRows(160, 20, 3, seed: 3), new[] { 20 }, options);
                case 1:
                    options.Architecture = new DenseArchitecture { HiddenSizes = new[] { 16, 8 }, Dropout = 0.1f, BatchNormalization = true };
                    options.Variational = new VariationalOptions();
                    options.Denoising = new DenoisingOptions { NoiseStandardDeviation = 0.05f };
                    return (SyntheticData.LowRankRows(160, 20, 3, seed: 4), new[] { 20 }, options);
                case 2:
                    options.Architecture = new ConvolutionalArchitecture { FilterCounts = new[] { 4, 8 }, BatchNormalization = true };
                    return (ShapedData.BlobsAndBars(48, side: 8, seed: 2), new[] { 1, 8, 8 }, options);
                default:
                    options.Architecture = new RecurrentArchitecture { Cell = RecurrentCell.Lstm, HiddenSize = 8 };
                    options.OutputActivation = OutputActivation.Identity;
                    return (ShapedData.NoisySines(48, 6, 2, seed: 5), new[] { 6, 2 }, options);
            }
        }

        /// <summary>The reconstructions of the training rows and the loss history, as floats to compare bit for bit.</summary>
        private static float[] Fit(int index, Action<MLContext>? observe = null)
        {
            var (rows, dimensions, options) = Case(index);
            var ml = new MLContext(seed: 1);
            observe?.Invoke(ml);
            using var model = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, rows, dimensions));
            return model.Reconstruct(SyntheticData.Flatten(rows)).Concat(model.TrainingHistory.Select(h => (float)h.TrainingLoss)).ToArray();
        }

        [Fact]
        public void Fit_WhileAnotherThreadDrawsFromTorchsGlobalGenerator_IsBitIdenticalToTheFitAlone()
        {
            var alone = Fit(0);
            long draws = 0;
            Exception? failure = null;
            using var stop = new ManualResetEventSlim();
            var hammer = new Thread(() =>
            {
                try
                {
                    while (!stop.IsSet)
                    {
                        using (var scope = torch.NewDisposeScope())
                        {
                            torch.rand(64);
                            nn.Linear(8, 8).Dispose();
                        }
                        Interlocked.Increment(ref draws);
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            hammer.Start();
            bool interleaved = true;
            try
            {
                // Between epochs (the log is written on the training thread) the training waits until the other
                // thread has drawn again, so the draws interleave with the training whatever the scheduling.
                var disturbed = Fit(0, ml => ml.Log += (_, e) =>
                {
                    if (!e.Message.Contains(": training loss"))
                        return;
                    long target = Interlocked.Read(ref draws) + 1;
                    interleaved &= SpinWait.SpinUntil(() => Interlocked.Read(ref draws) >= target || failure is not null, Patience);
                });

                Assert.Equal(alone, disturbed);
            }
            finally
            {
                stop.Set();
                hammer.Join();
            }
            Assert.Null(failure);
            Assert.True(interleaved, "the other thread did not draw between epochs");
        }

        [Fact]
        public void Fit_FourTrainingsAtOnce_EachIsBitIdenticalToItsRunAlone()
        {
            const int count = 4;
            var alone = Enumerable.Range(0, count).Select(index => Fit(index)).ToArray();
            var together = new float[count][];
            var errors = new Exception?[count];
            var metAfterFirstEpoch = new bool[count];
            // Each training waits after its first epoch until all four have finished theirs: they can only all get
            // there if nothing serializes them.
            using var barrier = new Barrier(count);
            var threads = Enumerable.Range(0, count).Select(index => new Thread(() =>
            {
                try
                {
                    together[index] = Fit(index, ml => ml.Log += (_, e) =>
                    {
                        if (e.Message.Contains("epoch 1: training loss"))
                            metAfterFirstEpoch[index] = barrier.SignalAndWait(Patience);
                    });
                }
                catch (Exception e)
                {
                    errors[index] = e;
                }
            })).ToList();

            threads.ForEach(thread => thread.Start());
            threads.ForEach(thread => thread.Join());

            for (int index = 0; index < count; index++)
            {
                Assert.Null(errors[index]);
                Assert.True(metAfterFirstEpoch[index], $"training {index} did not run at the same time as the others");
                Assert.Equal(alone[index], together[index]);
            }
        }

        [Fact]
        public void SharedBatchRegion_TwoTrainings_StaysUntilTheLastLeavesWhicheverThreadEnteredIt()
        {
            Microsoft.ML.Autoencoder.Platform.SharedBatchRegion.Member? first = null;
            var other = new Thread(() => first = Microsoft.ML.Autoencoder.Platform.SharedBatchRegion.Join());
            other.Start();
            other.Join();
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            var second = Microsoft.ML.Autoencoder.Platform.SharedBatchRegion.Join();

            first!.Dispose();
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode); // the second training's batches stay guarded
            using (Microsoft.ML.Autoencoder.Platform.SharedBatchRegion.EnterBatch())
                Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            second.Dispose();

            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
    }
}
