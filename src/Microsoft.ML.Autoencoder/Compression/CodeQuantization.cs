using System;
using System.Buffers.Binary;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>Latent codes to bytes and back, at a <see cref="CodePrecision"/>: the payload of <see cref="CompressedCodeFormat"/>.</summary>
    internal static class CodeQuantization
    {
        /// <summary>
        /// Writes <paramref name="codes"/> (rows of <paramref name="dimension"/> values) into <paramref name="payload"/>.
        /// </summary>
        /// <remarks>A value that cannot be stored at this precision is reported through <paramref name="error"/> (given a message naming the row and dimension), which returns the exception to throw.</remarks>
        public static void Quantize(ReadOnlySpan<float> codes, int dimension, CodePrecision precision, CodeRanges? ranges, Span<byte> payload, long firstRow, Func<string, Exception> error)
        {
            if (precision == CodePrecision.Float16)
            {
                for (int i = 0; i < codes.Length; i++)
                {
                    var half = (Half)codes[i];
                    if (Half.IsInfinity(half) && float.IsFinite(codes[i]))
                        throw error($"Row {firstRow + i / dimension}'s code has the value {codes[i]} at dimension {i % dimension}, beyond float16's range (65504): compress with CodePrecision.Byte.");
                    BinaryPrimitives.WriteHalfLittleEndian(payload.Slice(2 * i), half);
                }
                return;
            }
            for (int i = 0; i < codes.Length; i++)
            {
                if (float.IsNaN(codes[i]))
                    throw error($"Row {firstRow + i / dimension}'s code is NaN at dimension {i % dimension}: 8-bit codes cannot store NaN (CodePrecision.Float16 can).");
                payload[i] = ranges!.Quantize(codes[i], i % dimension);
            }
        }

        /// <summary>Reads <paramref name="codes"/> (rows of <paramref name="dimension"/> values) from <paramref name="payload"/>.</summary>
        public static void Dequantize(ReadOnlySpan<byte> payload, int dimension, CodePrecision precision, CodeRanges? ranges, Span<float> codes)
        {
            if (precision == CodePrecision.Float16)
            {
                for (int i = 0; i < codes.Length; i++)
                    codes[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(payload.Slice(2 * i));
                return;
            }
            for (int i = 0; i < codes.Length; i++)
                codes[i] = ranges!.Dequantize(payload[i], i % dimension);
        }
    }
}
