using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Interop;
using Microsoft.ML.Autoencoder.Tests.Pipelines;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Compression
{
    /// <summary>
    /// The ML.NET face of compression: a byte column that <c>SaveAsBinary</c> stores, the inverse transform back to
    /// reconstructions, schema checks, and save/load of both transformers.
    /// </summary>
    public sealed class CompressionPipelineTests : IClassFixture<CompressionFixture>
    {
        private readonly CompressionFixture _fixture;

        public CompressionPipelineTests(CompressionFixture fixture) => _fixture = fixture;

        private MLContext Ml => _fixture.Ml;

        private AutoencoderTransformer Autoencoder => _fixture.Autoencoder;

        [Theory]
        [InlineData(CodePrecision.Byte)]
        [InlineData(CodePrecision.Float16)]
        public void CompressedColumn_SavedAsBinaryAndDecompressed_MatchesTheArrayForms(CodePrecision precision)
        {
            var rows = _fixture.HeldOutRows;
            var data = SyntheticData.ToDataView(Ml, rows, CompressionFixture.Size);
            var compressor = Ml.Transforms.CompressAutoencoderCodes(Autoencoder, outputColumnName: "Code", inputColumnName: "Features", precision: precision).Fit(data);
            var compressed = compressor.Transform(data);
            int codeSize = Autoencoder.LatentDimension * (precision == CodePrecision.Float16 ? 2 : 1);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Byte, codeSize), compressed.Schema["Code"].Type);

            // The column holds the payload of the array form: the bytes between its 32-byte header and 32-byte checksum.
            var bytes = Autoencoder.Compress(rows, precision);
            var column = compressed.GetColumn<byte[]>("Code").ToArray();
            Assert.Equal(bytes.AsSpan(32, bytes.Length - 64).ToArray(), column.SelectMany(c => c).ToArray());

            using var stream = new MemoryStream();
            Ml.Data.SaveAsBinary(Ml.Transforms.SelectColumns("Code").Fit(compressed).Transform(compressed), stream, keepHidden: false);
            Assert.True(stream.Length < rows.Length * CompressionFixture.Size * sizeof(float), "the saved codes should be smaller than the saved floats");
            stream.Position = 0;
            var saved = Ml.Data.LoadFromBinary(new MemoryStreamSource(stream.ToArray()));
            var decompressor = Ml.Transforms.DecompressAutoencoderCodes(Autoencoder, outputColumnName: "Decompressed", inputColumnName: "Code", precision: precision).Fit(saved);
            var decompressed = decompressor.Transform(saved).GetColumn<float[]>("Decompressed").ToArray();

            // The cursor decodes the same batches as the array form: the same bits.
            Assert.Equal(Autoencoder.Decompress(bytes), decompressed);
        }

        [Fact]
        public void DecompressedColumn_MoreRowsThanABatch_EqualsTheArrayFormAndTheRowByRowPath()
        {
            // 1,500 rows: two batches of decoding (1,024 and 476), as the array form decodes them.
            var rows = Enumerable.Range(0, 1500).Select(i => _fixture.TrainingRows[i % _fixture.TrainingRows.Length]).ToArray();
            var data = SyntheticData.ToDataView(Ml, rows, CompressionFixture.Size);
            var pipeline = Ml.Transforms.CompressAutoencoderCodes(Autoencoder, "Code")
                .Append(Ml.Transforms.DecompressAutoencoderCodes(Autoencoder, "Decompressed", "Code"))
                .Fit(data);
            var decompressed = pipeline.Transform(data).GetColumn<float[]>("Decompressed").ToArray();
            Assert.Equal(Autoencoder.Decompress(Autoencoder.Compress(rows)), decompressed);

            // Shuffled, each row is decoded alone: the same values within the kernels' last bits.
            var shuffled = pipeline.Transform(Ml.Data.ShuffleRows(data, seed: 3));
            var features = shuffled.GetColumn<float[]>("Features").ToArray();
            var fromShuffled = shuffled.GetColumn<float[]>("Decompressed").ToArray();
            var expected = Autoencoder.Decompress(Autoencoder.Compress(features));
            NumericAssert.Close(expected.SelectMany(r => r).ToArray(), fromShuffled.SelectMany(r => r).ToArray());
        }

        [Fact]
        public void Decompress_ColumnOfAnotherPrecision_ThrowsArgumentOutOfRangeNamingTheColumn()
        {
            var data = SyntheticData.ToDataView(Ml, _fixture.HeldOutRows, CompressionFixture.Size);
            var compressed = Ml.Transforms.CompressAutoencoderCodes(Autoencoder, "Code", precision: CodePrecision.Byte).Fit(data).Transform(data);
            var decompressor = Ml.Transforms.DecompressAutoencoderCodes(Autoencoder, "Decompressed", "Code", CodePrecision.Float16);
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => decompressor.Fit(compressed));
            Assert.Contains("'Code'", ex.Message);
            Assert.Contains($"{2 * Autoencoder.LatentDimension} bytes", ex.Message);
        }

        [Fact]
        public void Compress_InputOfAnotherSize_ThrowsArgumentOutOfRange()
        {
            var data = SyntheticData.LowRank(Ml, rows: 10, size: CompressionFixture.Size + 1);
            Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.CompressAutoencoderCodes(Autoencoder, "Code", "Features").Fit(data));
        }

        [Fact]
        public void EstimatorSchemas_PromiseTheProducedColumns()
        {
            var data = SyntheticData.ToDataView(Ml, _fixture.HeldOutRows, CompressionFixture.Size);
            var estimator = Ml.Transforms.CompressAutoencoderCodes(Autoencoder, "Code")
                .Append(Ml.Transforms.DecompressAutoencoderCodes(Autoencoder, "Decompressed", "Code"));
            var promised = estimator.GetOutputSchema(MLNetInternals.CreateShape(data.Schema));
            var produced = estimator.Fit(data).Transform(data).Schema;
            SchemaAssert.PromiseKept(promised, produced);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Byte, Autoencoder.LatentDimension), produced["Code"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, CompressionFixture.Size), produced["Decompressed"].Type);
        }

        [Fact]
        public void SaveAndLoad_CompressThenDecompressPipeline_GivesIdenticalOutputs()
        {
            var data = SyntheticData.ToDataView(Ml, _fixture.HeldOutRows, CompressionFixture.Size);
            var pipeline = Ml.Transforms.CompressAutoencoderCodes(Autoencoder, "Code")
                .Append(Ml.Transforms.DecompressAutoencoderCodes(Autoencoder, "Decompressed", "Code"))
                .Fit(data);
            var loaded = ModelRoundTrip.SaveAndLoad(Ml, pipeline, data.Schema);
            try
            {
                var before = pipeline.Transform(data);
                var after = loaded.Transform(data);
                Assert.Equal(before.GetColumn<byte[]>("Code").SelectMany(c => c), after.GetColumn<byte[]>("Code").SelectMany(c => c));
                Assert.Equal(before.GetColumn<float[]>("Decompressed").SelectMany(c => c), after.GetColumn<float[]>("Decompressed").SelectMany(c => c));
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }

        [Fact]
        public void PredictionEngine_CompressThenDecompress_GivesTheArrayFormsCodeAndTheCursorsReconstruction()
        {
            var data = SyntheticData.ToDataView(Ml, _fixture.HeldOutRows, CompressionFixture.Size);
            var pipeline = Ml.Transforms.CompressAutoencoderCodes(Autoencoder, "Code")
                .Append(Ml.Transforms.DecompressAutoencoderCodes(Autoencoder, "Decompressed", "Code"))
                .Fit(data);
            var expected = pipeline.Transform(data).GetColumn<float[]>("Decompressed").First();
            using var engine = Ml.Model.CreatePredictionEngine<Input, Output>(pipeline, new PredictionEngineOptions { OwnsTransformer = false });
            var output = engine.Predict(new Input { Features = _fixture.HeldOutRows[0] });
            // The engine decodes its one row alone, the cursor a batch: the same values within the kernels' last bits.
            NumericAssert.Close(expected, output.Decompressed);
            Assert.Equal(Autoencoder.Compress(_fixture.HeldOutRows.Take(1).ToArray()).AsSpan(32, Autoencoder.LatentDimension).ToArray(), output.Code);
        }

        private sealed class Input
        {
            [VectorType(CompressionFixture.Size)]
            public float[] Features { get; set; } = Array.Empty<float>();
        }

        private sealed class Output
        {
            [VectorType]
            public byte[] Code { get; set; } = Array.Empty<byte>();

            [VectorType]
            public float[] Decompressed { get; set; } = Array.Empty<float>();
        }

        /// <summary>An in-memory <see cref="IMultiStreamSource"/> of one stream, for <c>LoadFromBinary</c>.</summary>
        private sealed class MemoryStreamSource : IMultiStreamSource
        {
            private readonly byte[] _bytes;

            public MemoryStreamSource(byte[] bytes) => _bytes = bytes;

            public int Count => 1;

            public string GetPathOrNull(int index) => null!;

            public Stream Open(int index) => new MemoryStream(_bytes, writable: false);

            public TextReader OpenTextReader(int index) => new StreamReader(Open(index));
        }
    }
}
