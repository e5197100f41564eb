using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;

using Microsoft.ML.Autoencoder.Architectures;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// A convolutional encoder and decoder for images. Each input row is read as a
    /// <c>[channels, height, width]</c> image (channel-major, as <c>ExtractPixels</c> writes it with its
    /// default <c>interleavePixelColors: false</c>). The encoder is a stack of 2-D convolutions (one per
    /// entry of <see cref="FilterCounts"/>), flattened and mapped linearly to the latent code; the decoder
    /// maps the code linearly back to the last feature map and runs transposed convolutions back to exactly
    /// <c>[channels, height, width]</c>.
    /// </summary>
    /// <remarks>
    /// Every convolution pads by <c>KernelSize / 2</c>, so a side of <c>n</c> pixels becomes
    /// <c>floor((n + 2 * (KernelSize / 2) - KernelSize) / Stride) + 1</c> (with the defaults, 28 -> 14 -> 7);
    /// the transposed convolutions add the output padding that restores each odd or even side exactly.
    /// </remarks>
    public sealed class ConvolutionalArchitecture : AutoencoderArchitecture
    {
        /// <summary>
        /// The number of channels (planes) of the image, or <see langword="null"/> to take it from the input
        /// column's dimensions (<c>[channels, height, width]</c>, or 1 for <c>[height, width]</c>), or else
        /// from the column's size divided by <see cref="Height"/> x <see cref="Width"/>.
        /// </summary>
        public int? Channels { get; set; }

        /// <summary>
        /// The image's height in pixels, or <see langword="null"/> to take it from the input column's
        /// dimensions (<c>[channels, height, width]</c> or <c>[height, width]</c>).
        /// </summary>
        public int? Height { get; set; }

        /// <summary>
        /// The image's width in pixels, or <see langword="null"/> to take it from the input column's
        /// dimensions (<c>[channels, height, width]</c> or <c>[height, width]</c>).
        /// </summary>
        public int? Width { get; set; }

        /// <summary>
        /// The number of filters of each encoder convolution, from the input side; the decoder mirrors them.
        /// At least one.
        /// </summary>
        public IReadOnlyList<int> FilterCounts { get; set; } = new[] { 16, 32 };

        /// <summary>The side of every square convolution kernel.</summary>
        public int KernelSize { get; set; } = 3;

        /// <summary>The stride of every convolution: each encoder convolution divides the sides by about this.</summary>
        public int Stride { get; set; } = 2;

        /// <summary>The activation after every convolution but the decoder's last, and after the decoder's linear layer.</summary>
        public ActivationFunction Activation { get; set; } = ActivationFunction.ReLU;

        /// <summary>Whether every convolution but the decoder's last is followed by 2-D batch normalization.</summary>
        public bool BatchNormalization { get; set; }

        /// <summary>The padding of every convolution.</summary>
        internal int Padding => KernelSize / 2;

        /// <summary>
        /// The side lengths through the encoder: <c>[size, after conv 1, ..., after conv n]</c>.
        /// </summary>
        internal int[] SideLengths(int size)
        {
            var sides = new int[FilterCounts.Count + 1];
            sides[0] = size;
            for (int i = 0; i < FilterCounts.Count; i++)
                sides[i + 1] = (sides[i] + 2 * Padding - KernelSize) / Stride + 1;
            return sides;
        }

        /// <summary>
        /// The output padding of the transposed convolution that maps a side of <paramref name="smaller"/>
        /// back to <paramref name="larger"/>; always in <c>[0, Stride)</c>.
        /// </summary>
        internal int OutputPadding(int larger, int smaller) => larger - ((smaller - 1) * Stride - 2 * Padding + KernelSize);

        internal override void Validate()
        {
            CheckOptionalPositive(Channels, nameof(Channels));
            CheckOptionalPositive(Height, nameof(Height));
            CheckOptionalPositive(Width, nameof(Width));
            if (FilterCounts is null)
                throw new ArgumentNullException(nameof(FilterCounts));
            if (FilterCounts.Count == 0)
                throw new ArgumentException("At least one convolution is needed.", nameof(FilterCounts));
            foreach (int count in FilterCounts)
            {
                if (count <= 0)
                    throw new ArgumentOutOfRangeException(nameof(FilterCounts), count, "Every filter count must be positive.");
            }
            if (KernelSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(KernelSize), KernelSize, "The kernel size must be positive.");
            if (Stride <= 0)
                throw new ArgumentOutOfRangeException(nameof(Stride), Stride, "The stride must be positive.");
            if (!Enum.IsDefined(Activation))
                throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Unknown activation function.");
        }

        internal override AutoencoderArchitecture ForInputColumn(string columnName, VectorDataViewType columnType)
        {
            int size = columnType.Size;
            var dimensions = columnType.Dimensions;
            int? channels = Channels, height = Height, width = Width;
            if (dimensions.Length == 3)
            {
                channels ??= dimensions[0];
                height ??= dimensions[1];
                width ??= dimensions[2];
            }
            else if (dimensions.Length == 2)
            {
                channels ??= 1;
                height ??= dimensions[0];
                width ??= dimensions[1];
            }
            if (height is null || width is null)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.Architecture),
                    $"Input column '{columnName}' is a vector of {size} values without [channels, height, width] or [height, width] dimensions; " +
                    $"set the convolutional architecture's {nameof(Height)} and {nameof(Width)} (and {nameof(Channels)} unless it is {size} / ({nameof(Height)} x {nameof(Width)})).");
            long plane = (long)height.Value * width.Value;
            if (channels is null)
            {
                if (size % plane != 0)
                    throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.Architecture),
                        $"Input column '{columnName}' has {size} values, which cannot be read as channels x {height} x {width}: {size} is not a multiple of {height} x {width} = {plane}.");
                channels = (int)(size / plane);
            }
            long product = channels.Value * plane;
            if (product != size)
                throw new ArgumentOutOfRangeException(nameof(AutoencoderEstimator.Options.Architecture),
                    $"Input column '{columnName}' has {size} values, which cannot be read as channels x height x width = {channels} x {height} x {width} = {product}.");

            var resolved = (ConvolutionalArchitecture)Clone();
            resolved.Channels = channels;
            resolved.Height = height;
            resolved.Width = width;
            return resolved;
        }

        internal override AutoencoderNetwork CreateNetwork(int inputSize, int latentDimension, OutputActivation outputActivation, bool isVariational)
        {
            if (Channels is not int channels || Height is not int height || Width is not int width)
                throw new InvalidOperationException($"The convolutional architecture's {nameof(Channels)}, {nameof(Height)} and {nameof(Width)} must be known before its network is created.");
            if ((long)channels * height * width != inputSize)
                throw new InvalidOperationException($"{inputSize} values cannot be read as channels x height x width = {channels} x {height} x {width} = {(long)channels * height * width}.");
            return new ConvolutionalNetwork(this, channels, height, width, latentDimension, outputActivation, isVariational);
        }

        private protected override ArchitectureKind Kind => ArchitectureKind.Convolutional;

        private protected override void WriteSettings(BinaryWriter writer)
        {
            WriteOptional(writer, Channels);
            WriteOptional(writer, Height);
            WriteOptional(writer, Width);
            WriteSizes(writer, FilterCounts);
            writer.Write(KernelSize);
            writer.Write(Stride);
            writer.Write((int)Activation);
            writer.Write(BatchNormalization);
        }

        internal static ConvolutionalArchitecture ReadSettings(BinaryReader reader)
        {
            var architecture = new ConvolutionalArchitecture
            {
                Channels = ReadOptional(reader),
                Height = ReadOptional(reader),
                Width = ReadOptional(reader),
            };
            architecture.FilterCounts = ReadSizes(reader, "convolutions");
            architecture.KernelSize = reader.ReadInt32();
            architecture.Stride = reader.ReadInt32();
            architecture.Activation = (ActivationFunction)reader.ReadInt32();
            architecture.BatchNormalization = reader.ReadBoolean();
            return architecture;
        }

        internal override AutoencoderArchitecture Clone() => new ConvolutionalArchitecture
        {
            Channels = Channels,
            Height = Height,
            Width = Width,
            FilterCounts = FilterCounts.ToArray(),
            KernelSize = KernelSize,
            Stride = Stride,
            Activation = Activation,
            BatchNormalization = BatchNormalization,
        };

        private static void CheckOptionalPositive(int? value, string optionName)
        {
            if (value is int given && given <= 0)
                throw new ArgumentOutOfRangeException(optionName, given, "The value must be positive, or null to take it from the input column.");
        }
    }
}
