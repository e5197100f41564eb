using System;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using TorchSharp;

namespace Microsoft.ML.Autoencoder
{
    // The array API: the same forward passes as Transform, on rows given as one flat array (row after row) or as one
    // array per row. Arguments are checked as strictly as a column is: every row has the right length and, unless the
    // model lets them through (NonFiniteInput), no NaN or infinite value.
    public sealed partial class AutoencoderTransformer
    {
        /// <summary>Encodes rows to latent codes (for a variational model, the means of their latent distributions).</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <returns>The latent codes, <see cref="LatentDimension"/> values per row.</returns>
        /// <exception cref="ArgumentException">The length is not a multiple of <see cref="InputSize"/>, or a value is NaN or infinite (the row is named).</exception>
        public float[] Encode(float[] rows)
        {
            int count = CheckRows(rows, InputSize, nameof(rows));
            var latent = new float[count * LatentDimension];
            _model.Forward(ForwardInput.Rows(rows, count), new ForwardOutputs(Latent: latent));
            return latent;
        }

        /// <summary>Encodes rows to latent codes, one array per row.</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values each.</param>
        /// <returns>One latent code of <see cref="LatentDimension"/> values per row.</returns>
        public float[][] Encode(float[][] rows) => Split(Encode(Join(rows, InputSize, nameof(rows))), LatentDimension);

        /// <summary>
        /// Encodes rows to the mean and log-variance of their latent distributions; a variational model only.
        /// </summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <returns>The means and the log-variances, <see cref="LatentDimension"/> values per row each.</returns>
        /// <exception cref="InvalidOperationException">The model is not variational.</exception>
        public (float[] Mean, float[] LogVariance) EncodeDistribution(float[] rows)
        {
            if (!IsVariational)
                throw new InvalidOperationException("Only a variational autoencoder (trained with Options.Variational) encodes rows to a distribution; use Encode for a plain one.");
            int count = CheckRows(rows, InputSize, nameof(rows));
            var mean = new float[count * LatentDimension];
            var logVariance = new float[count * LatentDimension];
            _model.Forward(ForwardInput.Rows(rows, count), new ForwardOutputs(Latent: mean, LogVariance: logVariance));
            return (mean, logVariance);
        }

        /// <summary>Decodes latent codes to data: this is how an autoencoder generates new rows.</summary>
        /// <param name="latent">Latent codes of <see cref="LatentDimension"/> values, one after the other.</param>
        /// <returns>The decoded rows, <see cref="InputSize"/> values per row.</returns>
        /// <exception cref="ArgumentException">The length is not a multiple of <see cref="LatentDimension"/>, or a value is NaN or infinite.</exception>
        public float[] Decode(float[] latent)
        {
            int count = CheckRows(latent, LatentDimension, nameof(latent));
            var rows = new float[checked(count * InputSize)];
            _model.Decode(latent, count, rows);
            return rows;
        }

        /// <summary>Decodes latent codes to data, one array per code.</summary>
        /// <param name="latent">Latent codes of <see cref="LatentDimension"/> values each.</param>
        /// <returns>One row of <see cref="InputSize"/> values per code.</returns>
        public float[][] Decode(float[][] latent) => Split(Decode(Join(latent, LatentDimension, nameof(latent))), InputSize);

        /// <summary>Reconstructs rows: encodes, then decodes them.</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <returns>The reconstructions, <see cref="InputSize"/> values per row.</returns>
        public float[] Reconstruct(float[] rows)
        {
            int count = CheckRows(rows, InputSize, nameof(rows));
            var reconstruction = new float[rows.Length];
            _model.Forward(ForwardInput.Rows(rows, count), new ForwardOutputs(Reconstruction: reconstruction));
            return reconstruction;
        }

        /// <summary>Reconstructs rows given one array per row.</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values each.</param>
        /// <returns>One reconstruction of <see cref="InputSize"/> values per row.</returns>
        public float[][] Reconstruct(float[][] rows) => Split(Reconstruct(Join(rows, InputSize, nameof(rows))), InputSize);

        /// <summary>Computes each row's reconstruction error, the anomaly score.</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values, one after the other.</param>
        /// <returns>One error per row: the <see cref="Loss"/> averaged over the row's values.</returns>
        public float[] GetReconstructionErrors(float[] rows)
        {
            int count = CheckRows(rows, InputSize, nameof(rows));
            var errors = new float[count];
            _model.Forward(ForwardInput.Rows(rows, count), new ForwardOutputs(Errors: errors));
            return errors;
        }

        /// <summary>Computes each row's reconstruction error, given one array per row.</summary>
        /// <param name="rows">Rows of <see cref="InputSize"/> values each.</param>
        /// <returns>One error per row.</returns>
        public float[] GetReconstructionErrors(float[][] rows) => GetReconstructionErrors(Join(rows, InputSize, nameof(rows)));

        /// <summary>
        /// Generates rows by drawing latent vectors from the standard normal prior and decoding them; a
        /// variational model only.
        /// </summary>
        /// <param name="count">The number of rows to generate.</param>
        /// <param name="seed">The seed of the draws: the same seed gives the same rows.</param>
        /// <returns>The generated rows, <see cref="InputSize"/> values per row.</returns>
        /// <exception cref="InvalidOperationException">The model is not variational.</exception>
        public float[] Sample(int count, int seed = 0)
        {
            if (count < 0)
                throw new ArgumentOutOfRangeException(nameof(count), count, "The number of rows to sample must be zero or positive.");
            if (!IsVariational)
                throw new InvalidOperationException(
                    "Sampling from the prior needs a variational autoencoder (trained with Options.Variational): a plain autoencoder's latent codes follow no known distribution, "
                    + "so decoding random vectors gives arbitrary output. Decode latent vectors of your choice instead, for example codes from Encode, "
                    + "perturbations of them, or the path of Interpolate.");
            if ((long)count * Math.Max(LatentDimension, InputSize) > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} rows of {InputSize} values do not fit in one array.");
            var latent = new float[count * LatentDimension];
            using (var generator = new torch.Generator(unchecked((ulong)seed)))
            using (var scope = torch.NewDisposeScope())
                TensorConversion.CopyTo(torch.randn(new long[] { count, LatentDimension }, generator: generator), latent);
            return Decode(latent);
        }

        /// <summary>
        /// Decodes <paramref name="steps"/> evenly spaced points on the line between the latent codes of two
        /// rows (for a variational model, their means), both ends included: the first row is the
        /// reconstruction of <paramref name="from"/>, the last that of <paramref name="to"/>.
        /// </summary>
        /// <param name="from">The row where the path starts, <see cref="InputSize"/> values.</param>
        /// <param name="to">The row where the path ends, <see cref="InputSize"/> values.</param>
        /// <param name="steps">The number of rows to return; at least 2, and few enough that the rows fit in one array.</param>
        /// <returns>The decoded path, <see cref="InputSize"/> values per row.</returns>
        public float[] Interpolate(float[] from, float[] to, int steps)
        {
            CheckRow(from, nameof(from));
            CheckRow(to, nameof(to));
            if (steps < 2)
                throw new ArgumentOutOfRangeException(nameof(steps), steps, "An interpolation has at least 2 steps (its two ends).");
            if ((long)steps * Math.Max(LatentDimension, InputSize) > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{steps} rows of {InputSize} values do not fit in one array: ask for fewer steps.");
            var ends = new float[2 * InputSize];
            from.CopyTo(ends, 0);
            to.CopyTo(ends, InputSize);
            var codes = Encode(ends);

            int dimension = LatentDimension;
            var path = new float[steps * dimension];
            for (int step = 0; step < steps; step++)
            {
                // t is exactly 0 at the first step and exactly 1 at the last, so the ends are the rows' own codes.
                float t = step / (float)(steps - 1);
                for (int k = 0; k < dimension; k++)
                    path[step * dimension + k] = (1 - t) * codes[k] + t * codes[dimension + k];
            }
            return Decode(path);
        }

        private void CheckRow(float[] row, string parameterName)
        {
            if (row is null)
                throw new ArgumentNullException(parameterName);
            if (row.Length != InputSize)
                throw new ArgumentException($"The row has {row.Length} values; the autoencoder takes {InputSize}.", parameterName);
        }

        /// <summary>The number of rows of <paramref name="rowSize"/> values in <paramref name="values"/>, checked.</summary>
        private int CheckRows(float[] values, int rowSize, string parameterName)
        {
            if (values is null)
                throw new ArgumentNullException(parameterName);
            if (values.Length % rowSize != 0)
                throw new ArgumentException($"The array's length {values.Length} is not a multiple of the row size {rowSize}.", parameterName);
            if (NonFiniteInput == NonFiniteInputHandling.Throw)
            {
                int index = RowValidation.IndexOfNonFinite(values);
                if (index >= 0)
                    throw new ArgumentException(
                        $"Row {index / rowSize} has a {(float.IsNaN(values[index]) ? "NaN" : "infinite")} value at index {index % rowSize}. {BatchBuffers.NonFiniteAdvice}", parameterName);
            }
            return values.Length / rowSize;
        }

        private static float[] Join(float[][] rows, int rowSize, string parameterName)
        {
            if (rows is null)
                throw new ArgumentNullException(parameterName);
            if ((long)rows.Length * rowSize > Array.MaxLength)
                throw new ArgumentException($"{rows.Length} rows of {rowSize} values do not fit in one array: pass fewer at a time.", parameterName);
            var flat = new float[rows.Length * rowSize];
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i] is not float[] row)
                    throw new ArgumentException($"Row {i} is null.", parameterName);
                if (row.Length != rowSize)
                    throw new ArgumentException($"Row {i} has {row.Length} values; {rowSize} were expected.", parameterName);
                row.CopyTo(flat, i * rowSize);
            }
            return flat;
        }

        private static float[][] Split(float[] flat, int rowSize)
        {
            var rows = new float[flat.Length / rowSize][];
            for (int i = 0; i < rows.Length; i++)
                rows[i] = flat.AsSpan(i * rowSize, rowSize).ToArray();
            return rows;
        }
    }
}
