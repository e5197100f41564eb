using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.Autoencoder.Samples.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Samples
{
    /// <summary>Runs the samples' code on the Fashion-MNIST split shipped with them, so they cannot rot.</summary>
    public class SamplesSmokeTests
    {
        [Fact]
        public void FashionMnistLoad_EmbeddedTestSplit_SplitsIntoTrainAndHeldOutOfValidImages()
        {
            var data = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 1);

            Assert.Equal(FashionMnist.TestOnlyTrainCount, data.Train.Count);
            Assert.Equal(10_000 - FashionMnist.TestOnlyTrainCount, data.Test.Count);
            Assert.All(new[] { data.Train, data.Test }, split =>
            {
                Assert.Equal(split.Count * FashionMnist.PixelCount, split.Pixels.Length);
                Assert.All(split.Pixels, pixel => Assert.InRange(pixel, 0f, 1f));
                Assert.Equal(FashionMnist.ClassNames.Count, split.Labels.Distinct().Count());
            });
            Assert.Contains(data.Train.Pixels, pixel => pixel == 1f); // Scaled by 255, not by 256.
        }

        [Fact]
        public void FashionMnistLoad_SameSeed_SameSplit()
        {
            var first = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 7);
            var second = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 7);
            var other = FashionMnist.Load(FashionMnist.EmbeddedDirectory, seed: 8);

            Assert.Equal(first.Test.Labels, second.Test.Labels);
            Assert.Equal(first.Test.Pixels, second.Test.Pixels);
            Assert.NotEqual(first.Test.Pixels, other.Test.Pixels);
        }

        [Fact]
        public void FashionMnistReadImages_LabelsFile_ThrowsNamingFileAndMagicNumber()
        {
            string labels = Path.Combine(FashionMnist.EmbeddedDirectory, FashionMnist.TestLabelsFileName);

            var exception = Assert.Throws<InvalidDataException>(() => FashionMnist.ReadImages(labels));

            Assert.Contains(labels, exception.Message);
            Assert.Contains("2049", exception.Message);
        }

        [Fact]
        public void FashionMnistReadLabels_TruncatedFile_ThrowsNamingFile()
        {
            string path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}-idx1-ubyte.gz");
            try
            {
                using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
                {
                    gzip.Write([0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3]); // Declares 10 labels, holds 3.
                }

                var exception = Assert.Throws<InvalidDataException>(() => FashionMnist.ReadLabels(path));

                Assert.Contains(path, exception.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void FashionMnistLoad_MissingFolder_ThrowsNamingIt()
        {
            string missing = Path.Combine(Path.GetTempPath(), $"no-fashion-mnist-{Guid.NewGuid():N}");

            var exception = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(missing));

            Assert.Contains(missing, exception.Message);
        }

        [Fact]
        public void FashionMnistToDataView_Split_HasFeaturesVectorAndLabelColumns()
        {
            var split = FashionMnist.Load(FashionMnist.EmbeddedDirectory).Test.Take(10);

            var view = FashionMnist.ToDataView(new MLContext(seed: 1), split);

            var features = view.Schema[nameof(FashionMnistImage.Features)].Type as Microsoft.ML.Data.VectorDataViewType;
            Assert.NotNull(features);
            Assert.Equal(FashionMnist.PixelCount, features!.Size);
            Assert.Equal(Microsoft.ML.Data.NumberDataViewType.UInt32, view.Schema[nameof(FashionMnistImage.Label)].Type);
            Assert.Equal(10, view.GetRowCount());
        }
    }
}
