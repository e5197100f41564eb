using System.IO;
using Microsoft.ML;

namespace Microsoft.ML.Autoencoder.Tests.Pipelines
{
    /// <summary>Saves a trained pipeline with <c>mlContext.Model.Save</c> and loads it back, in memory.</summary>
    internal static class ModelRoundTrip
    {
        public static ITransformer SaveAndLoad(MLContext ml, ITransformer model, DataViewSchema inputSchema)
        {
            using var stream = new MemoryStream();
            ml.Model.Save(model, inputSchema, stream);
            stream.Position = 0;
            return ml.Model.Load(stream, out _);
        }
    }
}
