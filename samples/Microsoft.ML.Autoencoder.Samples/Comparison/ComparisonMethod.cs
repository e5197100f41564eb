using System;
using Microsoft.ML.Autoencoder.Samples.Data;

namespace Microsoft.ML.Autoencoder.Samples.Comparison;

/// <summary>
/// A way to compress an image to <c>k</c> numbers (its code) and back: PCA or an autoencoder. The comparison
/// runs every method at every latent size on the same images; <see cref="ComparisonMethods"/> lists them.
/// </summary>
public abstract class ComparisonMethod
{
    private protected ComparisonMethod(string name, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Description = description;
    }

    /// <summary>The short name shown in tables and legends.</summary>
    public string Name { get; }

    /// <summary>One sentence on what the method is, for the report.</summary>
    public string Description { get; }

    /// <summary>Whether the method trains by gradient descent (its cost grows with the epochs).</summary>
    public abstract bool IsTrainedByGradientDescent { get; }

    /// <summary>ML.NET's PCA (<c>ProjectToPrincipalComponents</c>), with reconstruction from its components.</summary>
    public static ComparisonMethod Pca() => new PcaMethod();

    /// <summary>
    /// An autoencoder: the library's <see cref="AutoencoderEstimator"/> with its defaults, the comparison's
    /// epochs, batch size and seed, and whatever <paramref name="configure"/> changes (architecture, variant).
    /// </summary>
    public static ComparisonMethod Autoencoder(string name, string description, Action<AutoencoderEstimator.Options> configure)
        => new AutoencoderMethod(name, description, configure);

    /// <summary>
    /// Fits the method on <paramref name="train"/>, then encodes both splits and decodes the held-out images.
    /// </summary>
    public abstract MethodRun Fit(FashionMnistSplit train, FashionMnistSplit heldOut, int latentDimension, TrainingSettings training);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
