using Microsoft.ML.Autoencoder.Model;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>What a decompression cursor needs: the model, the code column's name, its precision and size.</summary>
    internal sealed record DecompressionSettings(AutoencoderModel Model, string InputColumnName, CodePrecision Precision)
    {
        public int CodeSize => Model.LatentDimension * CompressedCodeFormat.ValueSize(Precision);
    }
}
