using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Autoencoder.Architectures;

namespace Microsoft.ML.Autoencoder.Persistence
{
    /// <summary>
    /// How many values the network of a loaded description has at least, computed from the architecture's sizes without
    /// building anything: the weights and biases of its linear, convolutional and recurrent layers (batch
    /// normalization's parameters and statistics are left out, so this is a lower bound, within a small factor of the
    /// network's state). The loader compares it with the values the file holds before it builds the network, so that
    /// a damaged size (a hidden size of 2^24 in a 6 KB file) is refused instead of allocating gigabytes.
    /// </summary>
    /// <remarks>
    /// Every architecture kind that a model can be saved with needs its case here; a kind without one is refused with
    /// an <see cref="InvalidOperationException"/> (a programming error, caught by the round-trip tests).
    /// </remarks>
    internal static class NetworkSizeBound
    {
        /// <summary>
        /// The lower bound of the number of values in <paramref name="description"/>'s network state (as a double: the
        /// sizes of a damaged file can overflow any integer type; below 2^53 it is exact).
        /// </summary>
        /// <exception cref="InvalidDataException">The architecture's image or sequence shape does not give the input size.</exception>
        public static double MinimumStateValues(AutoencoderModelDescription description)
        {
            int input = description.InputSize;
            int latent = description.LatentDimension;
            int encoderOutput = description.IsVariational ? 2 * latent : latent;
            return description.Architecture switch
            {
                DenseArchitecture dense => Dense(dense, input, latent, encoderOutput),
                ConvolutionalArchitecture convolutional => Convolutional(convolutional, input, latent, encoderOutput),
                RecurrentArchitecture recurrent => Recurrent(recurrent, input, latent, encoderOutput),
                var other => throw new InvalidOperationException($"No size bound for the architecture {other.GetType().Name}; add its case to {nameof(NetworkSizeBound)}."),
            };
        }

        /// <summary>A linear layer's weights and biases.</summary>
        private static double Linear(double inputs, double outputs) => inputs * outputs + outputs;

        private static double Dense(DenseArchitecture architecture, int input, int latent, int encoderOutput)
            => Stack(input, architecture.HiddenSizes, encoderOutput) + Stack(latent, architecture.EffectiveDecoderHiddenSizes, input);

        private static double Stack(int input, IReadOnlyList<int> hiddenSizes, int output)
        {
            double values = 0;
            double previous = input;
            foreach (int size in hiddenSizes)
            {
                values += Linear(previous, size);
                previous = size;
            }
            return values + Linear(previous, output);
        }

        private static double Convolutional(ConvolutionalArchitecture architecture, int input, int latent, int encoderOutput)
        {
            if (architecture.Channels is not int channels || architecture.Height is not int height || architecture.Width is not int width)
                throw new InvalidDataException("The convolutional architecture's channels, height and width are not all recorded.");
            if ((long)channels * height * width != input)
                throw new InvalidDataException($"The convolutional architecture's image, {channels} x {height} x {width}, does not have the input size {input}.");

            double kernel = (double)architecture.KernelSize * architecture.KernelSize;
            double values = 0;
            double previousChannels = channels;
            double side0 = height, side1 = width;
            foreach (int filters in architecture.FilterCounts)
            {
                // An encoder convolution and the decoder's transposed convolution back to its input channels.
                values += previousChannels * filters * kernel + filters;
                values += filters * previousChannels * kernel + previousChannels;
                previousChannels = filters;
                side0 = Side(side0, architecture);
                side1 = Side(side1, architecture);
            }
            double flattened = previousChannels * side0 * side1;
            return values + Linear(flattened, encoderOutput) + Linear(latent, flattened);
        }

        /// <summary>A side after one convolution with the architecture's kernel, padding and stride (at least 1).</summary>
        private static double Side(double side, ConvolutionalArchitecture architecture)
            => Math.Floor((side + 2 * (double)(architecture.KernelSize / 2) - architecture.KernelSize) / architecture.Stride) + 1;

        private static double Recurrent(RecurrentArchitecture architecture, int input, int latent, int encoderOutput)
        {
            if (architecture.Timesteps is not int timesteps || architecture.FeaturesPerStep is not int features)
                throw new InvalidDataException("The recurrent architecture's timesteps and features per step are not both recorded.");
            if ((long)timesteps * features != input)
                throw new InvalidDataException($"The recurrent architecture's sequence, {timesteps} x {features}, does not have the input size {input}.");

            double hidden = architecture.HiddenSize;
            double layers = architecture.Layers;
            double gates = architecture.Cell == RecurrentCell.Gru ? 3 : 4;
            // Each layer: input-to-hidden and hidden-to-hidden weights and biases for every gate.
            double Stack(double firstInput) => gates * hidden * (firstInput + hidden + 2) + (layers - 1) * gates * hidden * (2 * hidden + 2);
            return Stack(features) + Linear(hidden, encoderOutput)
                + Linear(latent, hidden) + Linear(latent, layers * hidden) + Stack(hidden) + Linear(hidden, features);
        }
    }
}
