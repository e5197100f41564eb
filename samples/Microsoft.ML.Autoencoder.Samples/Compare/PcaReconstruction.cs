using System;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Autoencoder.Samples.Compare;

/// <summary>
/// Reconstructs images from the projection of a fitted <see cref="PrincipalComponentAnalysisTransformer"/>.
/// </summary>
/// <remarks>
/// ML.NET's PCA transformer outputs only the projection <c>z = U'(x - mean)</c> and exposes neither the
/// components <c>U</c> (784 x rank) nor the mean: they are internal. The projection is affine in <c>x</c>, so
/// they can be read back through the public API: transforming the zero image gives <c>-U'mean</c>, and
/// transforming <c>s e_i</c> (the unit image scaled by <c>s</c>) gives that plus <c>s</c> times row <c>i</c> of
/// <c>U</c>; <c>s = 256</c> keeps float cancellation small. The mean is the training
/// images' mean (PCA is fitted with <c>ensureZeroMean</c>); <see cref="Create"/> checks that its projection
/// matches <c>-z(0)</c>, so a change in ML.NET's PCA would fail loudly instead of giving a wrong error.
/// The reconstruction is then <c>mean + U z</c>.
/// </remarks>
internal sealed class PcaReconstruction
{
    private readonly float[] _components; // Row-major pixels x rank: row i is U's row for pixel i.
    private readonly float[] _mean;

    private PcaReconstruction(float[] components, float[] mean, int rank)
    {
        _components = components;
        _mean = mean;
        Rank = rank;
    }

    /// <summary>The number of principal components.</summary>
    public int Rank { get; }

    /// <summary>The largest deviation of <c>U'U</c> from the identity (how orthonormal the components are).</summary>
    public double OrthonormalityError { get; private init; }

    /// <summary>The largest difference between <c>-z(0)</c> and <c>U'mean</c>, relative to the largest <c>|z(0)|</c>.</summary>
    public double CentringMismatch { get; private init; }

    /// <summary>Reads the components back from <paramref name="pca"/> by transforming probe images.</summary>
    /// <exception cref="InvalidOperationException">The probes do not match an affine projection centred on <paramref name="trainingMean"/>.</exception>
    public static PcaReconstruction Create(
        MLContext mlContext, PrincipalComponentAnalysisTransformer pca, string projectionColumnName, int rank, float[] trainingMean)
    {
        const int pixels = FashionMnist.PixelCount;
        const float scale = 256f;
        var probes = new float[(pixels + 1) * pixels]; // Row 0: the zero image; row 1 + i: scale * e_i.
        for (int i = 0; i < pixels; i++)
        {
            probes[(1 + i) * pixels + i] = scale;
        }

        var probeView = FashionMnist.ToDataView(mlContext, new FashionMnistSplit(probes, new byte[pixels + 1]));
        var projections = DataViewColumns.ReadVectors(pca.Transform(probeView), projectionColumnName, rank, pixels + 1);

        var components = new float[pixels * rank];
        for (int i = 0; i < pixels; i++)
        {
            for (int k = 0; k < rank; k++)
            {
                components[i * rank + k] = (projections[(1 + i) * rank + k] - projections[k]) / scale;
            }
        }

        // z(0) = -U'mean: check that the mean is the one PCA centred on.
        double largestMismatch = 0, largestProjection = 1;
        for (int k = 0; k < rank; k++)
        {
            double projectedMean = 0;
            for (int i = 0; i < pixels; i++)
            {
                projectedMean += components[i * rank + k] * trainingMean[i];
            }

            largestMismatch = Math.Max(largestMismatch, Math.Abs(projectedMean + projections[k]));
            largestProjection = Math.Max(largestProjection, Math.Abs(projections[k]));
        }

        // ML.NET accumulates its mean in single precision, so allow a small relative difference.
        if (largestMismatch > 1e-3 * largestProjection)
        {
            throw new InvalidOperationException(
                $"The PCA transformer's projection of the zero image differs from -U'mean by up to {largestMismatch:G3} (of {largestProjection:G3}): it is not centred on the training mean, so its reconstruction cannot be read back this way.");
        }

        return new PcaReconstruction(components, trainingMean, rank)
        {
            OrthonormalityError = MeasureOrthonormality(components, rank),
            CentringMismatch = largestMismatch / largestProjection,
        };
    }

    /// <summary>Reconstructs images from their projections (row-major, <see cref="Rank"/> per image).</summary>
    public float[] Reconstruct(float[] projections, int count)
    {
        const int pixels = FashionMnist.PixelCount;
        var images = new float[count * pixels];
        for (int row = 0; row < count; row++)
        {
            var z = projections.AsSpan(row * Rank, Rank);
            var image = images.AsSpan(row * pixels, pixels);
            for (int i = 0; i < pixels; i++)
            {
                float value = _mean[i];
                var component = _components.AsSpan(i * Rank, Rank);
                for (int k = 0; k < Rank; k++)
                {
                    value += component[k] * z[k];
                }

                image[i] = value;
            }
        }

        return images;
    }

    private static double MeasureOrthonormality(float[] components, int rank)
    {
        double largest = 0;
        for (int a = 0; a < rank; a++)
        {
            for (int b = a; b < rank; b++)
            {
                double dot = 0;
                for (int i = 0; i < FashionMnist.PixelCount; i++)
                {
                    dot += components[i * rank + a] * components[i * rank + b];
                }

                largest = Math.Max(largest, Math.Abs(dot - (a == b ? 1 : 0)));
            }
        }

        return largest;
    }
}
