using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>A float buffer in native memory (not zeroed: pages are touched only as they are written).</summary>
    internal sealed unsafe class NativeBuffer : IDisposable
    {
        private float* _data;
        private readonly bool _aligned;

        public NativeBuffer(int length)
        {
            nuint bytes = (nuint)length * sizeof(float);
            _aligned = bytes >= 2 * HugePages.PageBytes;
            _data = (float*)(_aligned ? NativeMemory.AlignedAlloc(bytes, (nuint)HugePages.PageBytes) : NativeMemory.Alloc(bytes));
            if (_aligned)
                HugePages.Advise((IntPtr)_data, (long)bytes);
            Length = length;
        }

        public int Length { get; }

        public Span<float> Span => _data == null ? throw new ObjectDisposedException(nameof(NativeBuffer)) : new Span<float>(_data, Length);

        public void Dispose()
        {
            if (_data != null)
            {
                if (_aligned)
                    NativeMemory.AlignedFree(_data);
                else
                    NativeMemory.Free(_data);
                _data = null;
            }
        }
    }
}
