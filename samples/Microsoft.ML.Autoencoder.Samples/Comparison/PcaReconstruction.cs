using System;
using System.Numerics.Tensors;
using Microsoft.ML.Autoencoder.Samples.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>
/// Reconstructs images from the projection of a fitted <see cref="PrincipalComponentAnalysisTransformer"/>.
/// </summary>
/// <remarks>
/// <para>
/// ML.NET's PCA transformer outputs only the projection <c>z(x) = U'(x - c)</c> and exposes neither the
/// components <c>U</c> (784 x rank) nor the centre <c>c</c>: they are internal. The projection is affine in
/// <c>x</c>, so the components can be read back through the public API: transforming the zero image gives
/// <c>z(0) = -U'c</c>, and transforming <c>s e_i</c> (the unit image scaled by <c>s</c>) gives <c>z(0)</c> plus
/// <c>s</c> times row <c>i</c> of <c>U</c>; <c>s = 256</c> keeps float cancellation small.
/// </para>
/// <para>
/// The reconstruction is the textbook one around the training images' mean <c>m</c>:
/// <c>m + U U'(x - m) = m + U (z(x) - z(0) - U'm)</c>. It does not depend on <c>c</c>, which matters: ML.NET
/// 5.0.1 centres on <c>(1 + 1/n) m</c> rather than <c>m</c> (its randomized solver accumulates the mean in both
/// of its passes over the <c>n</c> training rows without clearing it), a difference of about 1/n.
/// <see cref="CentringMismatch"/> measures it.
/// </para>
/// </remarks>
internal sealed class PcaReconstruction
{
    private readonly float[] _components; // Row-major pixels x rank: row i is U's row for pixel i.
    private readonly float[] _mean;
    private readonly float[] _shift; // -z(0) - U'm: added to ML.NET's projection to get U'(x - m).

    private PcaReconstruction(float[] components, float[] mean, float[] shift)
    {
        _components = components;
        _mean = mean;
        _shift = shift;
    }

    /// <summary>The number of principal components.</summary>
    public int Rank => _shift.Length;

    /// <summary>The largest deviation of <c>U'U</c> from the identity (how orthonormal the components are).</summary>
    public double OrthonormalityError { get; private init; }

    /// <summary>
    /// The largest difference between ML.NET's <c>U'c</c> (that is, <c>-z(0)</c>) and <c>U'm</c>, relative to the
    /// largest <c>|U'm|</c>: about 1/n with ML.NET 5.0.1 (see the remarks).
    /// </summary>
    public double CentringMismatch { get; private init; }

    /// <summary>Reads the components back from <paramref name="pca"/> by transforming probe images.</summary>
    /// <exception cref="InvalidOperationException">The read-back components are not orthonormal: ML.NET's PCA no longer projects as assumed.</exception>
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

        var shift = new float[rank];
        double largestMismatch = 0, largestProjectedMean = 0;
        for (int k = 0; k < rank; k++)
        {
            double projectedMean = 0;
            for (int i = 0; i < pixels; i++)
            {
                projectedMean += components[i * rank + k] * trainingMean[i];
            }

            shift[k] = (float)(-projections[k] - projectedMean);
            largestMismatch = Math.Max(largestMismatch, Math.Abs(shift[k]));
            largestProjectedMean = Math.Max(largestProjectedMean, Math.Abs(projectedMean));
        }

        double orthonormality = MeasureOrthonormality(components, rank);
        if (orthonormality > 1e-2)
        {
            throw new InvalidOperationException(
                $"The components read back from the PCA transformer are not orthonormal (U'U differs from the identity by up to {orthonormality:G3}): it does not project as this class assumes, so its reconstruction cannot be read back this way.");
        }

        return new PcaReconstruction(components, trainingMean, shift)
        {
            OrthonormalityError = orthonormality,
            CentringMismatch = largestMismatch / Math.Max(largestProjectedMean, 1e-12),
        };
    }

    /// <summary>Reconstructs images from ML.NET's projections (row-major, <see cref="Rank"/> per image).</summary>
    public float[] Reconstruct(float[] projections)
    {
        ArgumentNullException.ThrowIfNull(projections);
        const int pixels = FashionMnist.PixelCount;
        int count = projections.Length / Rank;
        var images = new float[count * pixels];
        var code = new float[Rank];
        for (int row = 0; row < count; row++)
        {
            TensorPrimitives.Add(projections.AsSpan(row * Rank, Rank), _shift, code); // U'(x - m)
            var image = images.AsSpan(row * pixels, pixels);
            for (int i = 0; i < pixels; i++)
            {
                image[i] = _mean[i] + TensorPrimitives.Dot(_components.AsSpan(i * Rank, Rank), code);
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
