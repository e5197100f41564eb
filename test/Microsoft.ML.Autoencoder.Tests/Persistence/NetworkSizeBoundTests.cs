using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Persistence;
using Xunit;

namespace Microsoft.ML.Autoencoder.Tests.Persistence;

/// <summary>
/// The loader's size check must never refuse a real model: its bound is at most the number of values of the network the
/// description builds, for every architecture (and within a factor of two of it, so that a damaged size is caught
/// before the network is built rather than after).
/// </summary>
public sealed class NetworkSizeBoundTests
{
    public static TheoryData<string, bool> Architectures() => new()
    {
        { "dense", false }, { "dense", true }, { "dense-mirrored", false }, { "dense-linear", true },
        { "convolutional", false }, { "convolutional", true }, { "convolutional-odd", false },
        { "lstm", false }, { "gru", true },
    };

    private static AutoencoderArchitecture Architecture(string name) => name switch
    {
        "dense" => new DenseArchitecture { HiddenSizes = new[] { 16, 8 }, DecoderHiddenSizes = new[] { 12 }, BatchNormalization = true },
        "dense-mirrored" => new DenseArchitecture { HiddenSizes = new[] { 32, 7, 5 } },
        "dense-linear" => new DenseArchitecture { HiddenSizes = System.Array.Empty<int>() },
        "convolutional" => new ConvolutionalArchitecture { Channels = 2, Height = 6, Width = 5, FilterCounts = new[] { 4, 6 }, BatchNormalization = true },
        "convolutional-odd" => new ConvolutionalArchitecture { Channels = 2, Height = 5, Width = 3, FilterCounts = new[] { 3 }, KernelSize = 4, Stride = 3 },
        "lstm" => new RecurrentArchitecture { Timesteps = 4, FeaturesPerStep = 15, HiddenSize = 8, Layers = 2 },
        "gru" => new RecurrentArchitecture { Timesteps = 6, FeaturesPerStep = 10, HiddenSize = 5, Layers = 3, Cell = RecurrentCell.Gru },
        _ => throw new System.ArgumentOutOfRangeException(nameof(name)),
    };

    private static AutoencoderModelDescription Description(AutoencoderArchitecture architecture, int inputSize, bool variational)
        => new AutoencoderModelDescription(inputSize, 3, "Features", "Latent", variational ? "LogVariance" : null, null, null,
            OutputActivation.Sigmoid, ReconstructionLoss.MeanSquaredError, variational, architecture);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void MinimumStateValues_EveryArchitecture_IsAtMostTheNetworksValuesAndAtLeastHalf(string name, bool variational)
    {
        var architecture = Architecture(name);
        int inputSize = architecture switch
        {
            ConvolutionalArchitecture c => c.Channels!.Value * c.Height!.Value * c.Width!.Value,
            RecurrentArchitecture r => r.Timesteps!.Value * r.FeaturesPerStep!.Value,
            _ => 60,
        };
        var description = Description(architecture, inputSize, variational);
        description.CheckLoaded();
        using var network = description.CreateNetwork();
        long values = network.state_dict().Values.Sum(t => t.NumberOfElements);

        double bound = NetworkSizeBound.MinimumStateValues(description);

        Assert.InRange(bound, values / 2.0, values);
    }

    [Theory]
    [InlineData(2, 6, 5, 61)]
    [InlineData(2, null, 5, 60)]
    public void MinimumStateValues_ImageThatIsNotTheInput_ThrowsInvalidData(int channels, int? height, int width, int inputSize)
    {
        var description = Description(new ConvolutionalArchitecture { Channels = channels, Height = height, Width = width }, inputSize, variational: false);

        var exception = Assert.Throws<InvalidDataException>(() => NetworkSizeBound.MinimumStateValues(description));

        Assert.Contains("convolutional architecture", exception.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void MinimumStateValues_SequenceThatIsNotTheInput_ThrowsInvalidData()
    {
        var description = Description(new RecurrentArchitecture { Timesteps = 4, FeaturesPerStep = 5 }, 21, variational: false);

        var exception = Assert.Throws<InvalidDataException>(() => NetworkSizeBound.MinimumStateValues(description));

        Assert.Contains("4 x 5, does not have the input size 21", exception.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void MinimumStateValues_HiddenSizeOf2To30_IsFarAboveAnyFile()
    {
        var description = Description(new DenseArchitecture { HiddenSizes = new[] { 1 << 30, 1 << 30 } }, 20, variational: false);

        Assert.True(NetworkSizeBound.MinimumStateValues(description) > 1e18);
    }
}
