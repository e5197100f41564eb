using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.ML.Autoencoder.Tests.Pipelines;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Compression
{
    /// <summary>
    /// <c>Compress</c> / <c>Decompress</c>: codes come back within the quantization's bound, the stream form equals the
    /// array form, the layout's sizes are as documented, bad bytes are refused with a message that says what is wrong,
    /// and the ranges survive save and load.
    /// </summary>
    public sealed class AutoencoderCompressionTests : IClassFixture<CompressionFixture>
    {
        private readonly CompressionFixture _fixture;

        public AutoencoderCompressionTests(CompressionFixture fixture) => _fixture = fixture;

        private AutoencoderTransformer Autoencoder => _fixture.Autoencoder;

        [Fact]
        public void Fit_TrainingCodes_RangesSpanEveryTrainingCode()
        {
            Assert.True(Autoencoder.HasCodeRanges);
            var codes = Autoencoder.Encode(_fixture.TrainingRows);
            for (int k = 0; k < Autoencoder.LatentDimension; k++)
            {
                // The ranges come from the same forward passes (batches of up to 1024 rows) as Encode's: exact.
                Assert.Equal(codes.Min(c => c[k]), Autoencoder.CodeMinimum![k]);
                Assert.Equal(codes.Max(c => c[k]), Autoencoder.CodeMaximum![k]);
                Assert.True(Autoencoder.CodeMaximum[k] > Autoencoder.CodeMinimum[k]);
            }
        }

        [Fact]
        public void DecompressCodes_Byte_WithinHalfAStepOfEachTrainingCode()
        {
            var rows = _fixture.TrainingRows;
            var bytes = Autoencoder.Compress(rows, CodePrecision.Byte);
            Assert.Equal(64 + rows.Length * Autoencoder.LatentDimension, bytes.Length);

            var codes = Autoencoder.Encode(rows);
            var restored = Autoencoder.DecompressCodes(bytes);
            Assert.Equal(rows.Length, restored.Length);
            for (int k = 0; k < Autoencoder.LatentDimension; k++)
            {
                double scale = ((double)Autoencoder.CodeMaximum![k] - Autoencoder.CodeMinimum![k]) / 255;
                // Bound: |code - dequantized| <= scale / 2, plus the float rounding of the dequantized value.
                double bound = scale / 2 + 1e-6 * Math.Max(Math.Abs(Autoencoder.CodeMinimum[k]), Math.Abs(Autoencoder.CodeMaximum[k]));
                double worst = codes.Select((c, i) => Math.Abs((double)c[k] - restored[i][k])).Max();
                Assert.InRange(worst, 0, bound);
                Assert.True(worst > scale / 20, "8-bit quantization should lose something; the codes came back too exactly.");
            }
        }

        [Fact]
        public void DecompressCodes_Float16_WithinRelativeTwoToTheMinusElevenOfEachCode()
        {
            var rows = _fixture.HeldOutRows;
            var bytes = Autoencoder.Compress(rows, CodePrecision.Float16);
            Assert.Equal(64 + rows.Length * Autoencoder.LatentDimension * 2, bytes.Length);
            var codes = Autoencoder.Encode(rows);
            var restored = Autoencoder.DecompressCodes(bytes);
            for (int i = 0; i < rows.Length; i++)
                for (int k = 0; k < Autoencoder.LatentDimension; k++)
                {
                    float code = codes[i][k];
                    // Round to nearest half: relative error 2^-11 for normal halves, absolute 2^-25 for subnormal ones.
                    double bound = Math.Max(Math.Abs(code) * Math.Pow(2, -11), Math.Pow(2, -25));
                    Assert.InRange(Math.Abs(code - restored[i][k]), 0, bound);
                    Assert.Equal((float)(Half)code, restored[i][k]);
                }
        }

        [Fact]
        public void Decompress_Byte_IsTheDecodedDequantizedCodesAndCloseToTheReconstruction()
        {
            var rows = _fixture.HeldOutRows;
            var bytes = Autoencoder.Compress(rows);
            var decompressed = Autoencoder.Decompress(bytes);
            var expected = Autoencoder.Decode(Autoencoder.DecompressCodes(bytes));
            Assert.Equal(expected.Length, decompressed.Length);
            for (int i = 0; i < rows.Length; i++)
                Assert.Equal(expected[i], decompressed[i]);

            var reconstruction = Autoencoder.Reconstruct(rows);
            double quantizationMse = Mse(reconstruction, decompressed);
            double modelMse = Mse(rows, reconstruction);
            Assert.True(quantizationMse < modelMse / 10, $"8-bit quantization added {quantizationMse}, not small against the model's own error {modelMse}.");
        }

        [Fact]
        public void CompressStream_ManyRows_WritesBlocksThatDecompressLikeTheArrayForm()
        {
            // 4096 rows per block: 5000 rows make two blocks, the first flagged "another follows".
            var rows = Enumerable.Range(0, 5000).Select(i => _fixture.TrainingRows[i % _fixture.TrainingRows.Length]).ToArray();
            using var stream = new MemoryStream();
            long written = Autoencoder.Compress(rows, stream, CodePrecision.Byte);
            Assert.Equal(5000, written);
            Assert.Equal(2 * 64 + 5000 * Autoencoder.LatentDimension, stream.Length);
            Assert.Equal(1, stream.GetBuffer()[7]);

            stream.Position = 0;
            var fromStream = Autoencoder.Decompress(stream).ToArray();
            Assert.Equal(stream.Length, stream.Position);
            var fromArray = Autoencoder.Decompress(Autoencoder.Compress(rows.Take(300).ToArray()));
            Assert.Equal(5000, fromStream.Length);
            for (int i = 0; i < 300; i++)
                Assert.Equal(fromArray[i], fromStream[i]);
            // The array form reads the stream form's bytes too.
            Assert.Equal(5000, Autoencoder.DecompressCodes(stream.ToArray()).Length);
        }

        [Fact]
        public void CompressStream_NoRows_WritesOneEmptyBlock()
        {
            using var stream = new MemoryStream();
            Assert.Equal(0, Autoencoder.Compress(Array.Empty<float[]>(), stream));
            Assert.Equal(64, stream.Length);
            stream.Position = 0;
            Assert.Empty(Autoencoder.Decompress(stream));
        }

        [Fact]
        public void DecompressStream_CutAtABlockBoundary_ThrowsTruncated()
        {
            var rows = Enumerable.Range(0, 4100).Select(i => _fixture.TrainingRows[i % 300]).ToArray();
            using var stream = new MemoryStream();
            Autoencoder.Compress(rows, stream, CodePrecision.Byte);
            var firstBlock = stream.ToArray().AsSpan(0, 64 + 4096 * Autoencoder.LatentDimension).ToArray();
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(new MemoryStream(firstBlock)).ToArray());
            Assert.Contains("truncated", ex.Message);
        }

        [Theory]
        [InlineData(10)]
        [InlineData(40)]
        [InlineData(100)]
        public void Decompress_Truncated_ThrowsFormatExceptionSayingTruncated(int length)
        {
            var bytes = Autoencoder.Compress(_fixture.HeldOutRows);
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(bytes.AsSpan(0, length).ToArray()));
            Assert.Contains("truncated", ex.Message);
        }

        [Theory]
        [InlineData(8)]   // the fingerprint
        [InlineData(24)]  // the latent dimension
        [InlineData(40)]  // a code
        [InlineData(-1)]  // the checksum's last byte
        public void Decompress_AByteChanged_ThrowsFormatExceptionSayingDamaged(int offset)
        {
            var bytes = Autoencoder.Compress(_fixture.HeldOutRows);
            bytes[offset < 0 ? bytes.Length + offset : offset] ^= 0x10;
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(bytes));
            Assert.Contains(offset == 24 ? "damaged" : "checksum", ex.Message);
        }

        [Fact]
        public void Decompress_RowCountDamagedToHundredsOfMillions_ThrowsTruncatedWithoutAllocatingIt()
        {
            var bytes = Autoencoder.Compress(_fixture.HeldOutRows);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), 400_000_000);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(bytes));
            Assert.Contains("truncated", ex.Message);
            // A non-seekable stream is read in 1 MiB chunks: the same error, and memory only for the bytes that came.
            var stream = Assert.Throws<FormatException>(() => Autoencoder.Decompress(new NonSeekableStream(bytes)).ToArray());
            Assert.Contains("truncated", stream.Message);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 << 20);
        }

        /// <summary>A read-only stream that cannot seek or tell its length, as a network stream.</summary>
        private sealed class NonSeekableStream : MemoryStream
        {
            public NonSeekableStream(byte[] bytes)
                : base(bytes, writable: false)
            {
            }

            public override bool CanSeek => false;

            public override long Length => throw new NotSupportedException();
        }

        [Fact]
        public void Decompress_NotCompressedCodes_ThrowsFormatExceptionNamingTheMagic()
        {
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(new byte[100]));
            Assert.Contains("magic", ex.Message);
        }

        [Fact]
        public void Decompress_FutureLayoutVersion_ThrowsFormatExceptionSayingNewer()
        {
            var bytes = Autoencoder.Compress(_fixture.HeldOutRows);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(bytes));
            Assert.Contains("newer", ex.Message);
            Assert.Contains("version 2", ex.Message);
        }

        [Fact]
        public void Decompress_TrailingBytes_ThrowsFormatException()
        {
            var bytes = Autoencoder.Compress(_fixture.HeldOutRows);
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(bytes.Concat(new byte[3]).ToArray()));
            Assert.Contains("3 bytes more", ex.Message);
        }

        [Fact]
        public void Decompress_AnotherModelsCodes_ThrowsFormatExceptionSayingAnotherModel()
        {
            using var other = _fixture.Ml.Transforms.Autoencoder(CompressionFixture.Options(seed: 2)).Fit(_fixture.Training);
            var bytes = other.Compress(_fixture.HeldOutRows);
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(bytes));
            Assert.Contains("another model", ex.Message);
            Assert.Equal(_fixture.HeldOutRows.Length, other.Decompress(bytes).Length);
        }

        [Fact]
        public void Decompress_UnknownPrecisionWithValidChecksum_ThrowsFormatExceptionNamingThePrecision()
        {
            var bytes = Autoencoder.Compress(_fixture.HeldOutRows);
            bytes[6] = 7;
            SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
            var ex = Assert.Throws<FormatException>(() => Autoencoder.Decompress(bytes));
            Assert.Contains("precision 7", ex.Message);
        }

        [Fact]
        public void Compress_VariationalModel_StoresTheMeans()
        {
            var options = CompressionFixture.Options();
            options.Variational = new VariationalOptions();
            using var vae = _fixture.Ml.Transforms.Autoencoder(options).Fit(_fixture.Training);
            var rows = _fixture.TrainingRows.Take(100).ToArray();
            var (mean, _) = vae.EncodeDistribution(SyntheticData.Flatten(rows));
            var restored = vae.DecompressCodes(vae.Compress(rows, CodePrecision.Byte));
            for (int i = 0; i < rows.Length; i++)
                for (int k = 0; k < vae.LatentDimension; k++)
                {
                    double scale = ((double)vae.CodeMaximum![k] - vae.CodeMinimum![k]) / 255;
                    Assert.InRange(Math.Abs(mean[i * vae.LatentDimension + k] - restored[i][k]), 0, scale / 2 + 1e-6);
                }
        }

        [Fact]
        public void Compress_UnknownPrecision_ThrowsArgumentOutOfRange()
            => Assert.Throws<ArgumentOutOfRangeException>(() => Autoencoder.Compress(_fixture.HeldOutRows, (CodePrecision)3));

        [Fact]
        public void SaveAndLoad_Ranges_CompressToIdenticalBytesAndDecompressEachOther()
        {
            var rows = _fixture.HeldOutRows;
            var loaded = Assert.IsType<AutoencoderTransformer>(ModelRoundTrip.SaveAndLoad(_fixture.Ml, Autoencoder, _fixture.Training.Schema));
            try
            {
                Assert.Equal(Autoencoder.CodeMinimum, loaded.CodeMinimum);
                Assert.Equal(Autoencoder.CodeMaximum, loaded.CodeMaximum);
                var bytes = Autoencoder.Compress(rows, CodePrecision.Byte);
                Assert.Equal(bytes, loaded.Compress(rows, CodePrecision.Byte));
                Assert.Equal(Autoencoder.Compress(rows, CodePrecision.Float16), loaded.Compress(rows, CodePrecision.Float16));
                Assert.Equal(Autoencoder.DecompressCodes(bytes), loaded.DecompressCodes(bytes));
            }
            finally
            {
                loaded.Dispose();
            }
        }

        [Fact]
        public void Compress_ModelSavedBeforeCompression_Float16WorksAndByteThrowsSayingWhy()
        {
            var ml = new MLContext(seed: 1);
            using var stream = typeof(AutoencoderCompressionTests).Assembly.GetManifestResourceStream("autoencoder-format-0x00010001.zip")!;
            using var old = Assert.IsType<AutoencoderTransformer>(ml.Model.Load(stream, out _));
            var rows = SyntheticData.LowRankRows(3, CompressionFixture.Size, 3, seed: 5);
            Assert.False(old.HasCodeRanges);
            Assert.Null(old.CodeMinimum);
            var ex = Assert.Throws<InvalidOperationException>(() => old.Compress(rows, CodePrecision.Byte));
            Assert.Contains("0x00010003 or older", ex.Message);
            Assert.Contains("Float16", ex.Message);
            var codes = old.DecompressCodes(old.Compress(rows, CodePrecision.Float16));
            Assert.Equal(old.Encode(rows).Select(c => c.Select(v => (float)(Half)v)), codes);
        }

        private static double Mse(float[][] a, float[][] b)
            => a.Zip(b, (x, y) => x.Zip(y, (p, q) => (double)(p - q) * (p - q)).Average()).Average();
    }
}
