using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Architectures
{
    /// <summary>Writes and reads architecture descriptions and whole models as a saved model does.</summary>
    internal static class ArchitectureSerialization
    {
        /// <summary>Writes <paramref name="architecture"/>, reads it back and checks that every written byte was read.</summary>
        public static AutoencoderArchitecture RoundTrip(AutoencoderArchitecture architecture, out byte[] written)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                architecture.Write(writer);
            written = stream.ToArray();
            stream.Position = 0;
            using var reader = new BinaryReader(stream);
            var read = AutoencoderArchitecture.Read(reader);
            Assert.Equal(stream.Length, stream.Position);
            return read;
        }

        /// <summary>Saves <paramref name="model"/> with <c>mlContext.Model.Save</c> and loads it back.</summary>
        public static AutoencoderTransformer SaveAndLoad(MLContext ml, AutoencoderTransformer model, DataViewSchema schema)
        {
            using var stream = new MemoryStream();
            ml.Model.Save(model, schema, stream);
            stream.Position = 0;
            return Assert.IsType<AutoencoderTransformer>(ml.Model.Load(stream, out _));
        }

        /// <summary>Exact equality of the bits (float equality would accept -0 for 0).</summary>
        public static void AssertBitIdentical(float[] expected, float[] actual)
            => Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }
}
