using System;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>Copies between managed float buffers and contiguous CPU tensors in one block copy.</summary>
    internal static class TensorConversion
    {
        /// <summary>
        /// Creates a <c>[rows, columns]</c> tensor on <paramref name="device"/> holding a copy of
        /// <paramref name="values"/>. A copy rather than a view of the array: libtorch's own allocation is
        /// 64-byte aligned, a managed array is not, and MKL's kernels sum in another order on unaligned
        /// memory, so a view would make the outputs' last bits depend on where the array happens to lie.
        /// Call it inside a dispose scope: off the CPU, the CPU staging tensor is left to the scope.
        /// </summary>
        public static Tensor ToTensor(ReadOnlySpan<float> values, long rows, long columns, Device device)
        {
            var tensor = torch.empty(rows, columns, dtype: ScalarType.Float32);
            values.Slice(0, checked((int)(rows * columns))).CopyTo(MemoryMarshal.Cast<byte, float>(tensor.bytes));
            return device.type == DeviceType.CPU ? tensor : tensor.to(device);
        }

        /// <summary>
        /// A <c>[rows, columns]</c> CPU tensor viewing <paramref name="values"/> from element <paramref name="offset"/>
        /// on, without a copy. Only for a pinned array with a 64-byte aligned offset (from
        /// <see cref="Platform.AlignedBufferPool"/>; see the remark on <see cref="ToTensor"/>), whose values do not change while the tensor is in use. Call it inside a dispose scope.
        /// </summary>
        public static Tensor View(float[] values, int offset, long rows, long columns)
        {
            using var flat = torch.as_tensor(values);
            return flat.narrow(0, offset, rows * columns).view(rows, columns);
        }

        /// <summary>Copies a tensor's values, in row-major order, into <paramref name="destination"/>.</summary>
        public static void CopyTo(Tensor tensor, Span<float> destination)
        {
            using var cpu = tensor.device_type == DeviceType.CPU ? tensor.contiguous() : tensor.cpu().contiguous();
            MemoryMarshal.Cast<byte, float>(cpu.bytes).CopyTo(destination);
        }
    }
}
