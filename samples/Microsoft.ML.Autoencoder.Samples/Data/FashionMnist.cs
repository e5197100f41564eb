using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Samples.Data;

/// <summary>
/// Reads Fashion-MNIST (Zalando Research, MIT licence) from its gzip-compressed IDX files and turns it
/// into ML.NET data. <see cref="Load"/> finds the files: a folder you name, else Debian's package
/// <c>dataset-fashion-mnist</c> (60,000 training + 10,000 test images) when installed, else the
/// 10,000-image test split shipped in <c>samples/data/fashion-mnist</c> and copied beside the app.
/// </summary>
public static class FashionMnist
{
    /// <summary>The width and height of an image, in pixels.</summary>
    public const int ImageSide = 28;

    /// <summary>The number of pixels of an image (28 x 28).</summary>
    public const int PixelCount = ImageSide * ImageSide;

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the four files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The training-split images file name.</summary>
    public const string TrainImagesFileName = "train-images-idx3-ubyte.gz";

    /// <summary>The training-split labels file name.</summary>
    public const string TrainLabelsFileName = "train-labels-idx1-ubyte.gz";

    /// <summary>The test-split images file name.</summary>
    public const string TestImagesFileName = "t10k-images-idx3-ubyte.gz";

    /// <summary>The test-split labels file name.</summary>
    public const string TestLabelsFileName = "t10k-labels-idx1-ubyte.gz";

    /// <summary>
    /// How many of the test split's images are used for training when only the test split is
    /// available (the rest, 2,000 of 10,000, are held out).
    /// </summary>
    public const int TestOnlyTrainCount = 8000;

    private const int ImagesMagicNumber = 0x00000803; // IDX: unsigned bytes, 3 dimensions.
    private const int LabelsMagicNumber = 0x00000801; // IDX: unsigned bytes, 1 dimension.

    /// <summary>The names of the 10 classes, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>
    /// The copy of the 10,000-image test split that the build puts beside this assembly (found from the assembly,
    /// not the process, so that a notebook or another app that references the samples finds it too).
    /// </summary>
    public static string EmbeddedDirectory => Path.Combine(
        Path.GetDirectoryName(typeof(FashionMnist).Assembly.Location) is { Length: > 0 } folder ? folder : AppContext.BaseDirectory,
        "data", "fashion-mnist");

    /// <summary>
    /// Loads Fashion-MNIST from <paramref name="directory"/> if given, else from <see cref="DebianDirectory"/>
    /// if it holds all four files, else from <see cref="EmbeddedDirectory"/>. A folder with the training
    /// files gives their 60,000 images to train on and the 10,000 test images to hold out; a folder with only
    /// the test files gives <see cref="TestOnlyTrainCount"/> of them, shuffled with <paramref name="seed"/>,
    /// to train on and holds out the rest.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">The test files are missing.</exception>
    /// <exception cref="InvalidDataException">A file is not a Fashion-MNIST IDX file.</exception>
    public static FashionMnistDataset Load(string? directory = null, int seed = 1)
    {
        if (directory is not null)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"Fashion-MNIST folder '{directory}' does not exist.");
            }

            return LoadFrom(directory, seed);
        }

        if (HasTrainingSplit(DebianDirectory) && File.Exists(Path.Combine(DebianDirectory, TestImagesFileName)))
        {
            return LoadFrom(DebianDirectory, seed);
        }

        return LoadFrom(EmbeddedDirectory, seed);
    }

    /// <summary>Reads an images file (gzip-compressed IDX, magic number 2051, 28 x 28 bytes per image).</summary>
    /// <returns>The pixels scaled to [0, 1], row-major: one row of 784 per image.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not gzip, has another magic number or size, or is truncated.</exception>
    public static float[] ReadImages(string path)
    {
        var bytes = ReadImageBytes(path);
        var pixels = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            pixels[i] = bytes[i] / 255f;
        }

        return pixels;
    }

    /// <summary>Reads an images file as stored: one byte (0 to 255) per pixel, row-major, 784 per image.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not gzip, has another magic number or size, or is truncated.</exception>
    public static byte[] ReadImageBytes(string path)
    {
        using var reader = OpenIdx(path, ImagesMagicNumber, out int count);
        int rows = reader.ReadBigEndianInt32();
        int columns = reader.ReadBigEndianInt32();
        if (rows != ImageSide || columns != ImageSide)
        {
            throw new InvalidDataException($"'{path}' holds {rows} x {columns} images; Fashion-MNIST's are {ImageSide} x {ImageSide}.");
        }

        return reader.ReadBytes(checked(count * PixelCount));
    }

    /// <summary>Reads a labels file (gzip-compressed IDX, magic number 2049, one byte 0 to 9 per image).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not gzip, has another magic number, is truncated or holds a label above 9.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var reader = OpenIdx(path, LabelsMagicNumber, out int count);
        var labels = reader.ReadBytes(count);
        int bad = Array.FindIndex(labels, label => label >= ClassNames.Count);
        if (bad >= 0)
        {
            throw new InvalidDataException($"'{path}' has label {labels[bad]} at index {bad}; Fashion-MNIST's are 0 to {ClassNames.Count - 1}.");
        }

        return labels;
    }

    /// <summary>Reads an images file and its labels file into one split.</summary>
    /// <exception cref="InvalidDataException">The files hold different numbers of images, or one is not valid (see <see cref="ReadImages"/>, <see cref="ReadLabels"/>).</exception>
    public static FashionMnistSplit ReadSplit(string imagesPath, string labelsPath)
    {
        var pixels = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (pixels.Length != labels.Length * PixelCount)
        {
            throw new InvalidDataException(
                $"'{imagesPath}' holds {pixels.Length / PixelCount} images but '{labelsPath}' holds {labels.Length} labels.");
        }

        return new FashionMnistSplit(pixels, labels);
    }

    /// <summary>Splits images in two at random: <paramref name="trainCount"/> to train on, the rest held out.</summary>
    public static FashionMnistDataset Split(FashionMnistSplit images, int trainCount, int seed, string source)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegative(trainCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trainCount, images.Count);
        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(seed).Shuffle(order);
        return new FashionMnistDataset(
            images.Select(order.AsSpan(0, trainCount)),
            images.Select(order.AsSpan(trainCount)),
            source);
    }

    /// <summary>
    /// Wraps images as an ML.NET <see cref="IDataView"/> of <see cref="FashionMnistImage"/>: a <c>Features</c>
    /// column (vector of 784 Single) and a <c>Label</c> column (UInt32, 0 to 9).
    /// </summary>
    public static IDataView ToDataView(MLContext mlContext, FashionMnistSplit images)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(images);
        var rows = new FashionMnistImage[images.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new FashionMnistImage { Features = images.GetImage(i).ToArray(), Label = images.Labels[i] };
        }

        return mlContext.Data.LoadFromEnumerable(rows);
    }

    private static bool HasTrainingSplit(string directory) =>
        File.Exists(Path.Combine(directory, TrainImagesFileName)) && File.Exists(Path.Combine(directory, TrainLabelsFileName));

    private static FashionMnistDataset LoadFrom(string directory, int seed)
    {
        var test = ReadSplit(Path.Combine(directory, TestImagesFileName), Path.Combine(directory, TestLabelsFileName));
        if (HasTrainingSplit(directory))
        {
            var train = ReadSplit(Path.Combine(directory, TrainImagesFileName), Path.Combine(directory, TrainLabelsFileName));
            return new FashionMnistDataset(train, test, $"{directory}: train split ({train.Count}) / test split ({test.Count})");
        }

        int trainCount = Math.Min(TestOnlyTrainCount, test.Count);
        return Split(test, trainCount, seed,
            $"{directory}: test split only, shuffled (seed {seed}) into {trainCount} to train / {test.Count - trainCount} held out");
    }

    private static IdxReader OpenIdx(string path, int expectedMagicNumber, out int count)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Fashion-MNIST file '{path}' not found. Pass the folder that holds it, or install Debian's 'dataset-fashion-mnist'.",
                path);
        }

        var reader = new IdxReader(path);
        try
        {
            int magicNumber = reader.ReadBigEndianInt32();
            if (magicNumber != expectedMagicNumber)
            {
                throw new InvalidDataException(
                    $"'{path}' starts with magic number {magicNumber} (0x{magicNumber:X8}); expected {expectedMagicNumber} (0x{expectedMagicNumber:X8}).");
            }

            count = reader.ReadBigEndianInt32();
            if (count < 0)
            {
                throw new InvalidDataException($"'{path}' declares {count} items.");
            }

            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Reads the big-endian fields and the payload of a gzip-compressed IDX file.</summary>
    private sealed class IdxReader : IDisposable
    {
        private readonly string _path;
        private readonly GZipStream _stream;

        public IdxReader(string path)
        {
            _path = path;
            _stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        }

        public int ReadBigEndianInt32()
        {
            Span<byte> buffer = stackalloc byte[4];
            Fill(buffer);
            return BinaryPrimitives.ReadInt32BigEndian(buffer);
        }

        public byte[] ReadBytes(int count)
        {
            var bytes = new byte[count];
            Fill(bytes);
            return bytes;
        }

        public void Dispose() => _stream.Dispose();

        private void Fill(Span<byte> buffer)
        {
            try
            {
                _stream.ReadExactly(buffer);
            }
            catch (EndOfStreamException ex)
            {
                throw new InvalidDataException($"'{_path}' is truncated: it ends before its declared size.", ex);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"'{_path}' is not a valid gzip file: {ex.Message}", ex);
            }
        }
    }
}
