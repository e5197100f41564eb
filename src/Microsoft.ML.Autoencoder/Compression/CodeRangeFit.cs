using System;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoder.Compression
{
    /// <summary>
    /// Fits the <see cref="CodeRanges"/> of a trained model: one encode pass over the training data through a cursor, in
    /// batches of <see cref="AutoencoderModel.BatchSize"/> rows, keeping each latent dimension's minimum and maximum. The
    /// data is never held in memory as a whole. For a variational model the code is the mean, as <c>Encode</c> gives it.
    /// </summary>
    internal static class CodeRangeFit
    {
        /// <summary>The ranges of <paramref name="model"/>'s codes of the input column of <paramref name="data"/>.</summary>
        /// <remarks>
        /// Rows whose codes are NaN or infinite (only possible with <see cref="NonFiniteInputHandling.Propagate"/>) are left
        /// out; a dimension with no finite code gets the range [0, 0].
        /// </remarks>
        public static CodeRanges Fit(AutoencoderModel model, IDataView data)
        {
            var description = model.Description;
            int inputSize = description.InputSize, latentSize = description.LatentDimension;
            var column = data.Schema[description.InputColumnName];
            var minimum = new float[latentSize];
            var maximum = new float[latentSize];
            minimum.AsSpan().Fill(float.PositiveInfinity);
            maximum.AsSpan().Fill(float.NegativeInfinity);

            int capacity = AutoencoderModel.BatchSize;
            var rows = new float[capacity * inputSize];
            var codes = new float[capacity * latentSize];
            using (var cursor = data.GetRowCursor(new[] { column }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                var row = default(VBuffer<float>);
                int count = 0;
                long rowIndex = 0;
                while (cursor.MoveNext())
                {
                    getter(ref row);
                    RowValidation.CheckLength(row.Length, inputSize, rowIndex++, description.InputColumnName, "training data");
                    row.CopyTo(rows.AsSpan(count * inputSize, inputSize));
                    if (++count == capacity)
                    {
                        Accumulate(model, rows, codes, count, minimum, maximum);
                        count = 0;
                    }
                }
                if (count > 0)
                    Accumulate(model, rows, codes, count, minimum, maximum);
            }

            for (int k = 0; k < latentSize; k++)
            {
                if (minimum[k] > maximum[k])
                    minimum[k] = maximum[k] = 0;
            }
            return new CodeRanges(minimum, maximum);
        }

        private static void Accumulate(AutoencoderModel model, float[] rows, float[] codes, int count, float[] minimum, float[] maximum)
        {
            model.Forward(ForwardInput.Rows(rows, count), new ForwardOutputs(Latent: codes));
            int latentSize = minimum.Length;
            for (int i = 0; i < count; i++)
            {
                var code = codes.AsSpan(i * latentSize, latentSize);
                for (int k = 0; k < latentSize; k++)
                {
                    float value = code[k];
                    if (!float.IsFinite(value))
                        continue;
                    minimum[k] = Math.Min(minimum[k], value);
                    maximum[k] = Math.Max(maximum[k], value);
                }
            }
        }
    }
}
