using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.TorchSharp.Loss;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>
    /// This test project is itself an application that references both <c>Microsoft.ML.TorchSharp</c> 0.23.1
    /// (compiled against TorchSharp 0.102.7) and this library (TorchSharp 0.107.0): it restores without
    /// warnings, builds, and runs code of both on one libtorch. See docs/design.md, "Using it next to
    /// Microsoft.ML.TorchSharp".
    /// </summary>
    public class TorchSharpCoexistenceTests
    {
        [Fact]
        public void MicrosoftMLTorchSharp_CompiledAgainstOlderTorchSharp_BindsToOursInProcess()
        {
            var compiledAgainst = typeof(FocalLoss).Assembly.GetReferencedAssemblies().Single(a => a.Name == "TorchSharp");
            var ours = typeof(AutoencoderTransformer).Assembly.GetReferencedAssemblies().Single(a => a.Name == "TorchSharp");
            var loaded = typeof(torch).Assembly.GetName();

            Assert.Equal(new Version(0, 102, 7, 0), compiledAgainst.Version);
            Assert.Equal(new Version(0, 107, 0, 0), ours.Version);
            Assert.Equal(ours.Version, loaded.Version);
            Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "TorchSharp");
        }

        [Fact]
        public void FocalLossThenAutoencoder_SameProcess_BothComputeOnOneLibtorch()
        {
            // Microsoft.ML.TorchSharp's own torch code (compiled against 0.102.7): the focal loss of one image
            // with one anchor, two classes and no annotated box is (1 - alpha) * sum p^gamma * -log(1 - p).
            double focal;
            using (var scope = torch.NewDisposeScope())
            using (var loss = new FocalLoss(alpha: 0.25, gamma: 2.0))
            {
                var classifications = torch.tensor(new[] { 0.5f, 0.2f }).reshape(1, 1, 2);
                var regressions = torch.zeros(1, 1, 4);
                var anchors = torch.tensor(new[] { 0f, 0f, 10f, 10f }).reshape(1, 1, 4);
                var annotations = torch.full(1, 1, 5, -1f);
                focal = loss.call(classifications, regressions, anchors, annotations).item<float>();
            }
            double expected = 0.75 * (0.25 * -Math.Log(0.5) + 0.04 * -Math.Log(0.8));
            Assert.Equal(expected, focal, 1e-6);

            // Our autoencoder in the same process.
            var ml = new MLContext(seed: 1);
            var rows = SyntheticData.LowRankRows(200, 20, 3, seed: 21);
            using var model = ml.Transforms.Autoencoder(new AutoencoderEstimator.Options
            {
                LatentDimension = 3,
                Architecture = new DenseArchitecture { HiddenSizes = new[] { 16 } },
                MaximumNumberOfEpochs = 5,
                Patience = 10,
                BatchSize = 32,
                LearningRate = 1e-2f,
                Seed = 1,
            }).Fit(SyntheticData.ToDataView(ml, rows, 20));
            Assert.True(model.TrainingHistory[^1].TrainingLoss < model.TrainingHistory[0].TrainingLoss);
            Assert.Equal(200 * 3, model.Encode(SyntheticData.Flatten(rows)).Length);

            // One copy of each native library is mapped into the process.
            if (OperatingSystem.IsLinux())
            {
                var mapped = File.ReadLines("/proc/self/maps")
                    .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    .Where(fields => fields.Length >= 6)
                    .Select(fields => fields[5])
                    .Distinct()
                    .ToList();
                foreach (var library in new[] { "libtorch_cpu.so", "libLibTorchSharp.so" })
                    Assert.Single(mapped, path => Path.GetFileName(path) == library);
            }
        }
    }
}
