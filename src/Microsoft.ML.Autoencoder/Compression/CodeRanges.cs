using System;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>
    /// The range of each latent dimension over the training codes, which 8-bit compression (<see cref="CodePrecision.Byte"/>)
    /// divides into 255 steps: value q of dimension k stands for <c>Minimum[k] + q * Scale(k)</c>. Fitted by
    /// <see cref="CodeRangeFit"/> at the end of training and saved with the model (format 0x00010004 on).
    /// </summary>
    internal sealed class CodeRanges
    {
        /// <summary>The number of steps between a dimension's minimum and maximum.</summary>
        public const int Steps = byte.MaxValue;

        public CodeRanges(float[] minimum, float[] maximum)
        {
            if (minimum.Length != maximum.Length)
                throw new ArgumentException("The minimum and maximum have different lengths.", nameof(maximum));
            for (int k = 0; k < minimum.Length; k++)
            {
                if (!float.IsFinite(minimum[k]) || !float.IsFinite(maximum[k]) || minimum[k] > maximum[k])
                    throw new ArgumentException($"Latent dimension {k} has the range [{minimum[k]}, {maximum[k]}]: a range is finite and its minimum is not above its maximum.", nameof(minimum));
            }
            Minimum = minimum;
            Maximum = maximum;
        }

        /// <summary>Each dimension's smallest training code value.</summary>
        public float[] Minimum { get; }

        /// <summary>Each dimension's largest training code value.</summary>
        public float[] Maximum { get; }

        public int Dimension => Minimum.Length;

        /// <summary>The size of one step of dimension <paramref name="k"/> (0 when all training codes had one value).</summary>
        public double Scale(int k) => ((double)Maximum[k] - Minimum[k]) / Steps;

        /// <summary>The byte that stands for <paramref name="value"/> in dimension <paramref name="k"/>: the nearest step, clamped to the range.</summary>
        public byte Quantize(float value, int k)
        {
            double scale = Scale(k);
            if (scale == 0)
                return 0;
            double step = Math.Round((value - (double)Minimum[k]) / scale, MidpointRounding.AwayFromZero);
            return (byte)Math.Clamp(step, 0, Steps);
        }

        /// <summary>The value that byte <paramref name="step"/> stands for in dimension <paramref name="k"/>.</summary>
        public float Dequantize(byte step, int k) => (float)(Minimum[k] + step * Scale(k));
    }
}
