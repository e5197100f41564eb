using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Data;

using Microsoft.ML.Autoencoder.Architectures;

namespace Microsoft.ML.Autoencoder
{
    /// <summary>
    /// Describes the shape of an autoencoder's encoder and decoder. <see cref="DenseArchitecture"/> is
    /// the default; every architecture is trained by the same loop and persisted the same way.
    /// </summary>
    public abstract class AutoencoderArchitecture
    {
        private protected AutoencoderArchitecture()
        {
        }

        /// <summary>
        /// Checks the settings and throws an exception that names the offending option. Whether the shape fits the
        /// input column is checked by <see cref="ForInputColumn"/> and <see cref="CreateNetwork"/>.
        /// </summary>
        internal abstract void Validate();

        /// <summary>
        /// Returns the architecture to train on the input column <paramref name="columnName"/> of type
        /// <paramref name="columnType"/>: architectures that read rows as shaped data (images, sequences)
        /// return a copy whose unset shape options are taken from the column's dimensions, and throw an
        /// <see cref="System.ArgumentOutOfRangeException"/> when the column's size does not fit the shape.
        /// The default returns the architecture itself.
        /// </summary>
        internal virtual AutoencoderArchitecture ForInputColumn(string columnName, VectorDataViewType columnType) => this;

        /// <summary>
        /// Creates the untrained network, its weights drawn from a generator seeded with 0 (the trainer draws them again
        /// from its own, see <see cref="AutoencoderNetwork.InitializeParameters"/>). A variational network's encoder ends in twice
        /// <paramref name="latentDimension"/> values (see <see cref="AutoencoderNetwork.IsVariational"/>).
        /// </summary>
        internal abstract AutoencoderNetwork CreateNetwork(int inputSize, int latentDimension, OutputActivation outputActivation, bool isVariational);

        /// <summary>Returns a deep copy, so that an estimator's options cannot change a trained model.</summary>
        internal abstract AutoencoderArchitecture Clone();

        /// <summary>The tag that identifies the architecture's kind in a saved model; never reuse one.</summary>
        private protected abstract ArchitectureKind Kind { get; }

        /// <summary>Writes the description's own settings (not the kind tag) for a saved model.</summary>
        private protected abstract void WriteSettings(BinaryWriter writer);

        /// <summary>Writes the kind tag and the settings.</summary>
        internal void Write(BinaryWriter writer)
        {
            writer.Write((int)Kind);
            WriteSettings(writer);
        }

        /// <summary>Reads a description written by <see cref="Write"/>.</summary>
        /// <exception cref="InvalidDataException">The kind tag is unknown (a model from a newer version).</exception>
        internal static AutoencoderArchitecture Read(BinaryReader reader)
        {
            var kind = (ArchitectureKind)reader.ReadInt32();
            return kind switch
            {
                ArchitectureKind.Dense => DenseArchitecture.ReadSettings(reader),
                ArchitectureKind.Convolutional => ConvolutionalArchitecture.ReadSettings(reader),
                ArchitectureKind.Recurrent => RecurrentArchitecture.ReadSettings(reader),
                _ => throw new InvalidDataException($"Unknown autoencoder architecture kind {(int)kind}; the model may come from a newer version of Microsoft.ML.Autoencoder."),
            };
        }

        /// <summary>Writes a count-prefixed list of sizes (hidden layers, filter counts).</summary>
        private protected static void WriteSizes(BinaryWriter writer, IReadOnlyList<int> sizes)
        {
            writer.Write(sizes.Count);
            foreach (int size in sizes)
                writer.Write(size);
        }

        /// <summary>Reads a list written by <see cref="WriteSizes"/>; <paramref name="what"/> names it in the error.</summary>
        /// <exception cref="InvalidDataException">The count is negative or beyond any real architecture's (1024).</exception>
        private protected static int[] ReadSizes(BinaryReader reader, string what)
        {
            int count = reader.ReadInt32();
            if (count < 0 || count > 1024)
                throw new InvalidDataException($"Corrupt architecture: {count} {what}.");
            var sizes = new int[count];
            for (int i = 0; i < count; i++)
                sizes[i] = reader.ReadInt32();
            return sizes;
        }

        /// <summary>Writes a presence flag, then the value when it is present.</summary>
        private protected static void WriteOptional(BinaryWriter writer, int? value)
        {
            writer.Write(value.HasValue);
            if (value is int given)
                writer.Write(given);
        }

        /// <summary>Reads a value written by <see cref="WriteOptional"/>.</summary>
        private protected static int? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadInt32() : null;

        /// <summary>The kind tags of saved architectures.</summary>
        private protected enum ArchitectureKind
        {
            Dense = 1,
            Convolutional = 2,
            Recurrent = 3,
        }
    }
}
