using System;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using Microsoft.ML;
using Microsoft.ML.TorchSharp.Loss;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>
    /// This test project is itself an application that references both <c>Microsoft.ML.TorchSharp</c> (compiled
    /// against an older TorchSharp than this library's) and this library: it restores without warnings, builds, and
    /// runs code of both on one TorchSharp and one libtorch. The versions involved are in docs/design.md, "Using it
    /// next to Microsoft.ML.TorchSharp"; the tests check what must hold whatever they are.
    /// </summary>
    public class TorchSharpCoexistenceTests
    {
        [Fact]
        public void MicrosoftMLTorchSharpAndAutoencoder_SameProcess_ShareOneCopyOfEachDependency()
        {
            var theirs = typeof(FocalLoss).Assembly;
            var ours = typeof(AutoencoderTransformer).Assembly;
            var shared = theirs.GetReferencedAssemblies().Select(reference => reference.Name)
                .Intersect(ours.GetReferencedAssemblies().Select(reference => reference.Name))
                .ToList();
            Assert.Contains("TorchSharp", shared);
            Assert.Contains("Microsoft.ML.Core", shared);

            foreach (string? name in shared)
            {
                // The runtime resolves a reference to the loaded assembly only when that is at least the version asked
                // for, so an application whose TorchSharp (or ML.NET) is older than either side's fails here.
                var loaded = AssemblyLoadContext.Default.LoadFromAssemblyName(
                    theirs.GetReferencedAssemblies().Single(reference => reference.Name == name));
                Assert.Same(loaded, AssemblyLoadContext.Default.LoadFromAssemblyName(
                    ours.GetReferencedAssemblies().Single(reference => reference.Name == name)));
                Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), assembly => assembly.GetName().Name == name);
            }

            // Their types resolve against it: the focal loss is a module of the TorchSharp this project compiles against.
            Assert.True(typeof(FocalLoss).IsSubclassOf(typeof(nn.Module)));
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
