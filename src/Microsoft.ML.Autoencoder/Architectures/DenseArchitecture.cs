using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

using Microsoft.ML.Autoencoder.Architectures;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// A fully connected (multi-layer perceptron) encoder and decoder:
    /// <c>input -> hidden[0] -> ... -> hidden[n-1] -> latent</c>, and back through the decoder's hidden
    /// sizes (the encoder's, reversed, unless given) to the input size.
    /// </summary>
    public sealed class DenseArchitecture : AutoencoderArchitecture
    {
        /// <summary>
        /// The sizes of the encoder's hidden layers, from the input side. Empty means the latent layer
        /// follows the input directly (a linear autoencoder when the decoder has no hidden layers either).
        /// </summary>
        public IReadOnlyList<int> HiddenSizes { get; set; } = new[] { 128 };

        /// <summary>
        /// The sizes of the decoder's hidden layers, from the latent side; <see langword="null"/> mirrors
        /// <see cref="HiddenSizes"/>.
        /// </summary>
        public IReadOnlyList<int>? DecoderHiddenSizes { get; set; }

        /// <summary>The activation after every hidden layer and after the latent layer's input layers.</summary>
        public ActivationFunction Activation { get; set; } = ActivationFunction.ReLU;

        /// <summary>The dropout probability after each hidden layer during training; 0 turns dropout off.</summary>
        public float Dropout { get; set; }

        /// <summary>Whether each hidden layer is followed by batch normalization.</summary>
        public bool BatchNormalization { get; set; }

        /// <summary>The decoder's hidden sizes after mirroring.</summary>
        internal IReadOnlyList<int> EffectiveDecoderHiddenSizes => DecoderHiddenSizes ?? HiddenSizes.Reverse().ToArray();

        internal override void Validate()
        {
            if (HiddenSizes is null)
                throw new ArgumentNullException(nameof(HiddenSizes));
            foreach (var size in HiddenSizes.Concat(EffectiveDecoderHiddenSizes))
            {
                if (size <= 0)
                    throw new ArgumentOutOfRangeException(nameof(HiddenSizes), size, "Every hidden layer size must be positive.");
            }
            if (Dropout < 0 || Dropout >= 1 || float.IsNaN(Dropout))
                throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
            if (!Enum.IsDefined(Activation))
                throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Unknown activation function.");
        }

        internal override AutoencoderNetwork CreateNetwork(int inputSize, int latentDimension, OutputActivation outputActivation, bool isVariational)
            => new DenseNetwork(this, inputSize, latentDimension, outputActivation, isVariational);

        private protected override ArchitectureKind Kind => ArchitectureKind.Dense;

        private protected override void WriteSettings(BinaryWriter writer)
        {
            WriteSizes(writer, HiddenSizes);
            writer.Write(DecoderHiddenSizes is not null);
            if (DecoderHiddenSizes is not null)
                WriteSizes(writer, DecoderHiddenSizes);
            writer.Write((int)Activation);
            writer.Write(Dropout);
            writer.Write(BatchNormalization);
        }

        internal static DenseArchitecture ReadSettings(BinaryReader reader)
        {
            var hidden = ReadSizes(reader, "hidden layers");
            var decoder = reader.ReadBoolean() ? ReadSizes(reader, "decoder hidden layers") : null;
            return new DenseArchitecture
            {
                HiddenSizes = hidden,
                DecoderHiddenSizes = decoder,
                Activation = (ActivationFunction)reader.ReadInt32(),
                Dropout = reader.ReadSingle(),
                BatchNormalization = reader.ReadBoolean(),
            };
        }

        internal override AutoencoderArchitecture Clone() => new DenseArchitecture
        {
            HiddenSizes = HiddenSizes.ToArray(),
            DecoderHiddenSizes = DecoderHiddenSizes?.ToArray(),
            Activation = Activation,
            Dropout = Dropout,
            BatchNormalization = BatchNormalization,
        };
    }
}
