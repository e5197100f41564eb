using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Data
{
    /// <summary>The vectorized row checks find a bad value wherever it sits: in any accumulator's lanes or in the tail.</summary>
    public class RowValidationTests
    {
        private static readonly int[] Lengths = Enumerable.Range(1, 72).Append(784).Append(785).ToArray();

        [Theory]
        [InlineData(float.NaN, "NaN")]
        [InlineData(float.PositiveInfinity, "infinite")]
        [InlineData(float.NegativeInfinity, "infinite")]
        public void CheckValues_NonFiniteAtAnyIndex_NamesTheRowAndIndex(float bad, string kind)
        {
            foreach (int length in Lengths)
            {
                for (int index = 0; index < length; index++)
                {
                    var row = Enumerable.Range(0, length).Select(i => (i % 7) / 7f).ToArray();
                    row[index] = bad;
                    var error = Assert.Throws<InvalidOperationException>(() => RowValidation.CheckValues(row, 12, "Features", "training data", requireUnitInterval: false, "advice"));
                    Assert.Contains($"Row 12 of column 'Features'", error.Message);
                    Assert.Contains($"{kind} value at index {index}.", error.Message);
                    Assert.Equal(index, RowValidation.IndexOfNonFinite(row));
                }
            }
        }

        [Theory]
        [InlineData(-0.001f)]
        [InlineData(1.001f)]
        public void CheckValues_OutsideTheUnitIntervalAtAnyIndex_NamesTheValue(float bad)
        {
            foreach (int length in Lengths)
            {
                for (int index = 0; index < length; index++)
                {
                    var row = Enumerable.Range(0, length).Select(i => (i % 5) / 4f).ToArray();
                    row[index] = bad;
                    var error = Assert.Throws<InvalidOperationException>(() => RowValidation.CheckValues(row, 3, "Pixels", "training data", requireUnitInterval: true, "advice"));
                    Assert.Contains($"at index {index}, outside [0, 1]", error.Message);
                    RowValidation.CheckValues(row, 3, "Pixels", "training data", requireUnitInterval: false, "advice"); // finite: fine without the interval
                }
            }
        }

        [Fact]
        public void CheckValues_FiniteRows_Pass()
        {
            foreach (int length in Lengths)
            {
                var unit = Enumerable.Range(0, length).Select(i => (i % 5) / 4f).ToArray();
                RowValidation.CheckValues(unit, 0, "Features", "training data", requireUnitInterval: true, "advice");
                var large = Enumerable.Range(0, length).Select(i => (i % 2 == 0 ? 1 : -1) * float.MaxValue).ToArray();
                RowValidation.CheckValues(large, 0, "Features", "training data", requireUnitInterval: false, "advice"); // MaxValue * 0 is 0
                Assert.Equal(-1, RowValidation.IndexOfNonFinite(large));
            }
        }
    }
}
