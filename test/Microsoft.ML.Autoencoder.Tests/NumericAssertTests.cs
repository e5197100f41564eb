using System;
using Xunit;
using Xunit.Sdk;

namespace Microsoft.ML.Autoencoder.Tests
{
    public class NumericAssertTests
    {
        private static float FromBits(int bits) => BitConverter.Int32BitsToSingle(bits);

        [Fact]
        public void Close_LastBitOfAnotherCpu_Passes()
            // The values of the initial-format test: 3DCEF594 on AMD Zen 4, 3DCEF595 on Intel with AVX-512.
            => NumericAssert.Close(new[] { FromBits(0x3DCEF594), -0.5f }, new[] { FromBits(0x3DCEF595), -0.5f });

        [Fact]
        public void Close_ValueNearZeroWithinTheRowsScale_Passes()
            => NumericAssert.Close(new[] { 1e-9f, 1f }, new[] { 2e-9f, 1f });

        [Theory]
        [InlineData(0.1f, 0.100011f)]
        [InlineData(0.1f, -0.1f)]
        [InlineData(0.1f, float.NaN)]
        [InlineData(0.1f, float.PositiveInfinity)]
        public void Close_DifferenceADefectWouldMake_Fails(float expected, float actual)
            => Assert.Throws<XunitException>(() => NumericAssert.Close(new[] { expected }, new[] { actual }));

        [Fact]
        public void Close_OtherLength_Fails()
            => Assert.ThrowsAny<XunitException>(() => NumericAssert.Close(new[] { 1f, 2f }, new[] { 1f }));
    }
}
