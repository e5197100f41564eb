using System;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace Microsoft.ML.Autoencoder.Tests
{
    /// <summary>
    /// Comparisons of numbers computed by libtorch against numbers recorded elsewhere. libtorch's CPU kernels (MKL,
    /// oneDNN) pick other code paths on other CPUs (AMD Zen, Intel AVX-512 and AMX, ARM), which sum in another order and
    /// change the last bits of a forward output; only values read back from a file are exact across machines.
    /// </summary>
    internal static class NumericAssert
    {
        /// <summary>
        /// The relative tolerance for a forward pass recorded on another CPU: a few hundred units in the last place of a
        /// float (2^-23 ~ 1.2e-7), far below any change a defect would make in a small network's outputs.
        /// </summary>
        public const double ForwardPassTolerance = 1e-5;

        /// <summary>
        /// Asserts that each value is within <paramref name="relativeTolerance"/> of the expected one, relative to the
        /// larger of its own size and the mean size of <paramref name="expected"/> (so that values near zero are not held
        /// to a tighter absolute bound than their neighbours).
        /// </summary>
        public static void Close(float[] expected, float[] actual, double relativeTolerance = ForwardPassTolerance)
        {
            Assert.Equal(expected.Length, actual.Length);
            double scale = expected.Length == 0 ? 0 : expected.Average(v => Math.Abs((double)v));
            for (int i = 0; i < expected.Length; i++)
            {
                double bound = relativeTolerance * Math.Max(Math.Abs((double)expected[i]), scale);
                double difference = Math.Abs((double)actual[i] - expected[i]);
                if (!(difference <= bound))
                    throw new XunitException(
                        $"Value {i} is {actual[i]:R}, expected {expected[i]:R} within {relativeTolerance:G2} relative ({bound:G3}); the difference is {difference:G3}.");
            }
        }
    }
}
