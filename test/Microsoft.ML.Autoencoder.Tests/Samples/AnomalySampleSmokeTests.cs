using System.IO;
using Microsoft.ML.Autoencoder.Samples.Detect;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the short anomaly-detection sample (<c>dotnet run -- anomaly</c>) end to end.</summary>
    public class AnomalySampleSmokeTests
    {
        [Fact]
        public void Run_MachineReadings_FlagsFaultsExplainsAndReloads()
        {
            var output = new StringWriter();
            var metrics = AnomalySample.Run(output);
            string text = output.ToString();
            Assert.True(metrics.AreaUnderRocCurve > 0.9, text);
            Assert.Contains("readings flagged", text);
            Assert.Contains("because of", text);
            Assert.Contains("Loaded from", text);
        }
    }
}
