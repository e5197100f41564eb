using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Autoencoder.Architectures
{
    /// <summary>Creates torch modules for <see cref="ActivationFunction"/> values.</summary>
    internal static class Activations
    {
        public static Module<Tensor, Tensor> Create(ActivationFunction activation) => activation switch
        {
            ActivationFunction.ReLU => ReLU(),
            ActivationFunction.LeakyReLU => LeakyReLU(0.01),
            ActivationFunction.Tanh => Tanh(),
            ActivationFunction.GELU => GELU(),
            ActivationFunction.Sigmoid => Sigmoid(),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation function."),
        };
    }
}
