using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Training;
using Xunit;
using static Microsoft.ML.Autoencoder.Tests.Training.VariantTestHelpers;

namespace Microsoft.ML.Autoencoder.Tests
{
    /// <summary>Sample and Interpolate, the transformer's generation methods.</summary>
    public class AutoencoderTransformerGenerationTests
    {
        /// <summary>Equal up to float rounding: batches of other sizes may take other BLAS kernels.</summary>
        private static void AssertClose(float[] expected, float[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], actual[i], 1e-5f);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Interpolate_Ends_EqualReconstructionsOfTheRows(bool variational)
        {
            var (train, test) = Split(trainRows: 100);
            using var model = Fit(new MLContext(1), variational ? VariationalTests.VariationalOptions(epochs: 5) : SmallOptions(epochs: 5), train);

            var path = model.Interpolate(test[0], test[1], steps: 5);

            Assert.Equal(5 * Size, path.Length);
            AssertClose(model.Reconstruct(test[0]), path[..Size]);
            AssertClose(model.Reconstruct(test[1]), path[^Size..]);
        }

        [Fact]
        public void Interpolate_MiddleStep_DecodesTheMeanOfTheTwoCodes()
        {
            var (train, test) = Split(trainRows: 100);
            using var model = Fit(new MLContext(1), SmallOptions(epochs: 5), train);
            var from = model.Encode(test[0]);
            var to = model.Encode(test[1]);

            var path = model.Interpolate(test[0], test[1], steps: 3);

            AssertClose(model.Decode(from.Zip(to, (a, b) => (a + b) / 2).ToArray()), path[Size..(2 * Size)]);
            Assert.NotEqual(path[..Size], path[Size..(2 * Size)]);
        }

        [Fact]
        public void Interpolate_BadArguments_ThrowNamingParameter()
        {
            var (train, test) = Split(trainRows: 50);
            using var model = Fit(new MLContext(1), SmallOptions(epochs: 1), train);

            Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => model.Interpolate(test[0], test[1], steps: 1)).ParamName);
            Assert.Equal("to", Assert.Throws<ArgumentException>(() => model.Interpolate(test[0], new float[Size + 1], steps: 3)).ParamName);
            Assert.Equal("from", Assert.Throws<ArgumentNullException>(() => model.Interpolate(null!, test[1], steps: 3)).ParamName);
        }

        [Fact]
        public void Sample_PlainModel_ThrowsPointingToDecode()
        {
            var (train, _) = Split(trainRows: 50);
            using var model = Fit(new MLContext(1), SmallOptions(epochs: 1), train);

            var error = Assert.Throws<InvalidOperationException>(() => model.Sample(10, seed: 1));
            Assert.Contains("variational", error.Message);
            Assert.Contains("Decode", error.Message);
        }

        [Fact]
        public void Sample_CountZeroOrNegative_ReturnsEmptyOrThrows()
        {
            var (train, _) = Split(trainRows: 50);
            using var model = Fit(new MLContext(1), VariationalTests.VariationalOptions(epochs: 1), train);

            Assert.Empty(model.Sample(0, seed: 1));
            Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(-1, seed: 1)).ParamName);
        }

        [Fact]
        public void Sample_MoreRowsThanOneInferenceBatch_DecodesEveryRow()
        {
            var (train, _) = Split(trainRows: 50);
            using var model = Fit(new MLContext(1), VariationalTests.VariationalOptions(epochs: 1), train);
            int count = Model.AutoencoderModel.BatchSize + 10;

            var samples = model.Sample(count, seed: 9);

            Assert.Equal(count * Size, samples.Length);
            // The last rows come from the second decoding batch: decoded, not left as zeros.
            Assert.All(samples[^(10 * Size)..], v => Assert.InRange(v, float.Epsilon, 1f));
        }
    }
}
