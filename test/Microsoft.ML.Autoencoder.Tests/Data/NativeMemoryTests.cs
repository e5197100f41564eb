using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Data
{
    /// <summary>
    /// Nothing native outlives a public call except the model's own parameters. Runs alone: the process's
    /// resident memory also moves with whatever other tests are doing.
    /// </summary>
    [Collection(NativeMemoryCollection.Name)]
    public class NativeMemoryTests
    {
        [Fact]
        public void Transform_Repeated_DoesNotGrowLiveTensorsOrResidentMemory()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticData.LowRankRows(3000, 20, 3, seed: 1);
            var data = ml.Data.Cache(SyntheticData.ToDataView(ml, rows, 20));
            var options = new AutoencoderEstimator.Options
            {
                LatentDimension = 3, ReconstructionColumnName = "Reconstruction", ReconstructionErrorColumnName = "Error",
                MaximumNumberOfEpochs = 1, Seed = 1,
            };
            using var model = ml.Transforms.Autoencoder(options).Fit(data);
            var flat = SyntheticData.Flatten(rows);

            void Work()
            {
                var output = model.Transform(data);
                using (var cursor = output.GetRowCursor(output.Schema))
                {
                    var latent = cursor.GetGetter<VBuffer<float>>(output.Schema["Latent"]);
                    var error = cursor.GetGetter<float>(output.Schema["Error"]);
                    VBuffer<float> code = default;
                    float value = 0;
                    while (cursor.MoveNext())
                    {
                        latent(ref code);
                        error(ref value);
                    }
                }
                model.Reconstruct(flat);
                model.Decode(model.Encode(flat));
            }

            for (int i = 0; i < 5; i++)
                Work();
            long tensorsBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            long residentBefore = ResidentKilobytes();
            for (int i = 0; i < 60; i++)
                Work();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long tensorsAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            long residentAfter = ResidentKilobytes();

            Assert.Equal(tensorsBefore, tensorsAfter);
            // 60 passes over 3000 rows push about 60 x 3000 x 44 floats (~30 MB) through libtorch; a leak of even a
            // tenth of that would show. Other tests running in parallel can move RSS a little, hence the margin.
            Assert.True(residentAfter - residentBefore < 64 * 1024, $"RSS grew from {residentBefore} KB to {residentAfter} KB");
        }

        private static long ResidentKilobytes()
            => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    /// <summary>A collection that xunit runs with no other test in parallel.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class NativeMemoryCollection
    {
        public const string Name = "Native memory (alone)";
    }
}
