using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Training
{
    /// <summary>
    /// Lays a network's trainable parameters out in one contiguous buffer, and their gradients in another, so that the
    /// optimizer updates them all with a handful of operations per step instead of a handful per parameter tensor (as
    /// PyTorch's fused and foreach optimizers do). TorchSharp's optimizers are written in C# one tensor at a time: for
    /// the seed model's 8 parameter tensors Adam's step was about a fifth of an epoch (docs/performance.md).
    /// </summary>
    /// <remarks>
    /// Each parameter keeps its identity (the modules, state dictionaries, snapshots and persistence see the same
    /// <see cref="Parameter"/> objects); only its storage moves: <c>set_</c> points it at its slice of the value
    /// buffer, and its gradient is set to the matching slice of the gradient buffer, into which backward accumulates in
    /// place because the gradient is defined. The optimizer gets one parameter, the whole value buffer, whose gradient
    /// is the whole gradient buffer. Every update rule here (Adam, AdamW, SGD with momentum and weight decay) is
    /// elementwise, so the updates are those of the per-tensor optimizer, to the last bit but for rounding where a
    /// vectorized kernel's body and tail fall differently.
    /// </remarks>
    internal static class FlatParameters
    {
        /// <summary>
        /// Moves <paramref name="parameters"/> into one buffer and returns the parameter the optimizer should update, or
        /// null when they cannot share one (no parameters, or different devices or element types).
        /// </summary>
        public static Parameter? Layout(IReadOnlyList<Parameter> parameters)
        {
            if (parameters.Count < 2 || parameters.Any(p => p.device_type != parameters[0].device_type || p.device_index != parameters[0].device_index || p.dtype != parameters[0].dtype))
                return null;
            long total = parameters.Sum(p => p.numel());
            using var noGrad = torch.no_grad();
            var values = torch.empty(new[] { total }, dtype: parameters[0].dtype, device: parameters[0].device);
            using var gradients = torch.zeros(new[] { total }, dtype: parameters[0].dtype, device: parameters[0].device);
            long offset = 0;
            foreach (var parameter in parameters)
            {
                long count = parameter.numel();
                using var valueRange = values.narrow(0, offset, count);
                using var gradientRange = gradients.narrow(0, offset, count);
                using var slice = valueRange.view(parameter.shape);
                using var gradient = gradientRange.view(parameter.shape);
                slice.copy_(parameter);
                parameter.set_(slice);
                parameter.grad = gradient; // the parameter's own reference; the wrapper is disposed here
                offset += count;
            }

            var flat = new Parameter(values); // takes the buffer's handle
            values.Dispose(); // the emptied wrapper
            flat.grad = gradients;
            return flat;
        }

        /// <summary>
        /// After training: drops the gradients the layout gave the network's parameters and frees the flat parameter (the
        /// parameters keep their values: they share the buffer's storage, which lives as long as any of them).
        /// </summary>
        public static void Release(Parameter flat, IEnumerable<Parameter> parameters)
        {
            foreach (var parameter in parameters)
            {
                using var gradient = parameter.grad;
                parameter.grad = null;
            }

            flat.grad = null;
            flat.Dispose();
        }

    }
}
