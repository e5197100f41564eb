using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using TorchSharp;

namespace Microsoft.ML.Autoencoder.Platform
{
    /// <summary>
    /// Native float memory that the training rows are read into and that becomes a tensor's storage without a copy
    /// (<see cref="Data.FeatureMatrix"/>). On Linux it reserves address space for the most floats the caller allows
    /// (<c>mmap</c> with <c>MAP_NORESERVE</c>, advised as transparent huge pages): a page exists only once written, so a
    /// source of unknown length is read once into its final place, with no staging copy and no second buffer of fresh
    /// memory for the kernel to zero, and the unused tail is unmapped at the end. Elsewhere, or when the reservation is
    /// refused (strict overcommit), the buffer is 64-byte aligned and doubles by copying as it fills.
    /// </summary>
    /// <remarks>
    /// A header before the floats records how the block was obtained, so that libtorch's deleter
    /// (<see cref="MoveToTensor"/>) can free it on whichever thread releases the tensor's storage. The floats are not
    /// zeroed: pages are touched only as they are written.
    /// </remarks>
    internal sealed unsafe class NativeFloats : IDisposable
    {
        /// <summary>Bytes of the header before the floats: keeps them 64-byte aligned, as MKL's results depend on alignment.</summary>
        private const int HeaderBytes = 64;
        private const long MappedKind = 1;
        private const long AllocatedKind = 2;

        private static long s_liveBlocks;

        private byte* _block;
        private long _capacity;

        private NativeFloats(byte* block, long capacity)
        {
            _block = block;
            _capacity = capacity;
        }

        ~NativeFloats() => Free();

        /// <summary>Blocks allocated and not yet freed, in this process (whoever owns them now: this class or a tensor).</summary>
        internal static long LiveBlocks => Interlocked.Read(ref s_liveBlocks);

        /// <summary>
        /// Memory for at most <paramref name="maximumFloats"/> floats; when it cannot reserve them all (or
        /// <paramref name="reserve"/> is false), it starts with room for <paramref name="initialFloats"/> and grows.
        /// </summary>
        public static NativeFloats Allocate(long maximumFloats, long initialFloats, bool reserve = true)
        {
            if (reserve && OperatingSystem.IsLinux())
            {
                long bytes = RoundUpToPage(HeaderBytes + maximumFloats * sizeof(float));
                var block = mmap(IntPtr.Zero, (nuint)bytes, ProtectReadWrite, MapPrivateAnonymousNoReserve, -1, 0);
                if (block != MapFailed)
                {
                    Interlocked.Increment(ref s_liveBlocks);
                    var result = new NativeFloats((byte*)block, maximumFloats);
                    result.Header[0] = bytes;
                    result.Header[1] = MappedKind;
                    HugePages.Advise(block, bytes);
                    return result;
                }
            }
            long capacity = Math.Min(Math.Max(1, initialFloats), maximumFloats);
            return new NativeFloats(AllocateBlock(capacity), capacity);
        }

        /// <summary>
        /// The floats [<paramref name="start"/>, + <paramref name="length"/>), growing the memory when they are beyond it
        /// (keeping the first <paramref name="start"/> floats).
        /// </summary>
        public Span<float> Slice(long start, int length)
        {
            ThrowIfFreed();
            if (start + length > _capacity)
                Grow(start, start + length);
            return new Span<float>(Data + start, length);
        }

        /// <summary>The first <paramref name="length"/> floats.</summary>
        public ReadOnlySpan<float> Span(long length)
        {
            ThrowIfFreed();
            if (length > _capacity || length > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(length));
            return new ReadOnlySpan<float>(Data, (int)length);
        }

        /// <summary>Returns the memory beyond the first <paramref name="length"/> floats (whole pages of a reservation).</summary>
        public void Trim(long length)
        {
            ThrowIfFreed();
            if (Header[1] != MappedKind)
                return;
            long keep = RoundUpToPage(HeaderBytes + length * sizeof(float));
            long mapped = Header[0];
            if (keep < mapped && munmap((IntPtr)(_block + keep), (nuint)(mapped - keep)) == 0)
            {
                Header[0] = keep;
                _capacity = (keep - HeaderBytes) / sizeof(float);
            }
        }

        /// <summary>
        /// A CPU tensor of shape [<paramref name="rows"/>, <paramref name="columns"/>] over the first floats, which owns the
        /// memory from now on (libtorch frees it when the tensor's storage goes); this object is empty afterwards.
        /// Where TorchSharp's native tensor constructor cannot be reached, the floats are copied into a new tensor.
        /// </summary>
        public torch.Tensor MoveToTensor(long rows, long columns)
        {
            ThrowIfFreed();
            if (rows * columns > _capacity)
                throw new ArgumentOutOfRangeException(nameof(rows));
            var create = TensorFromBlob.Function;
            if (create is null)
            {
                var values = new Span<float>(Data, checked((int)(rows * columns))).ToArray();
                Free();
                return torch.tensor(values, new[] { rows, columns });
            }
            long* sizes = stackalloc long[2] { rows, columns };
            IntPtr handle = create((IntPtr)Data, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, void>)&FreeData, sizes, 2,
                (sbyte)torch.ScalarType.Float32, (sbyte)torch.ScalarType.Float32, 0, -1, 0);
            if (handle == IntPtr.Zero)
                throw new InvalidOperationException("libtorch could not make a tensor over the training rows' memory.");
            _block = null; // libtorch owns it now
            GC.SuppressFinalize(this);
            return torch.Tensor.UnsafeCreateTensor(handle);
        }

        /// <summary>A new owner of the memory; this object is empty afterwards (so that a <c>using</c> of it frees nothing).</summary>
        public NativeFloats Take()
        {
            ThrowIfFreed();
            var taken = new NativeFloats(_block, _capacity);
            _block = null;
            GC.SuppressFinalize(this);
            return taken;
        }

        public void Dispose()
        {
            Free();
            GC.SuppressFinalize(this);
        }

        private long* Header => (long*)_block;

        private float* Data => (float*)(_block + HeaderBytes);

        private void Grow(long keep, long needed)
        {
            if (Header[1] == MappedKind)
                throw new InvalidOperationException($"More than the {_capacity} floats reserved were asked for.");
            long capacity = Math.Max(needed, 2 * _capacity);
            var block = AllocateBlock(capacity);
            Buffer.MemoryCopy(Data, block + HeaderBytes, keep * sizeof(float), keep * sizeof(float));
            FreeBlock(_block);
            _block = block;
            _capacity = capacity;
        }

        private void Free()
        {
            if (_block != null)
            {
                FreeBlock(_block);
                _block = null;
            }
        }

        private void ThrowIfFreed()
        {
            if (_block == null)
                throw new ObjectDisposedException(nameof(NativeFloats));
        }

        private static byte* AllocateBlock(long floats)
        {
            var block = (byte*)NativeMemory.AlignedAlloc((nuint)(HeaderBytes + floats * sizeof(float)), HeaderBytes);
            Interlocked.Increment(ref s_liveBlocks);
            ((long*)block)[0] = 0;
            ((long*)block)[1] = AllocatedKind;
            HugePages.Advise((IntPtr)(block + HeaderBytes), floats * sizeof(float)); // nothing below two huge pages
            return block;
        }

        private static void FreeBlock(byte* block)
        {
            Interlocked.Decrement(ref s_liveBlocks);
            if (((long*)block)[1] == MappedKind)
                munmap((IntPtr)block, (nuint)((long*)block)[0]);
            else
                NativeMemory.AlignedFree(block);
        }

        /// <summary>libtorch's deleter of a tensor made by <see cref="MoveToTensor"/>: frees the block before the floats.</summary>
        [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
        private static void FreeData(IntPtr data) => FreeBlock((byte*)data - HeaderBytes);

        private static long RoundUpToPage(long bytes) => (bytes + PageBytes - 1) & ~(PageBytes - 1);

        private const long PageBytes = 4096;
        private const int ProtectReadWrite = 0x1 | 0x2; // PROT_READ | PROT_WRITE
        private const int MapPrivateAnonymousNoReserve = 0x02 | 0x20 | 0x4000; // MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        private static readonly IntPtr MapFailed = new(-1);

        [DllImport("libc", EntryPoint = "mmap")]
        private static extern IntPtr mmap(IntPtr address, nuint length, int protection, int flags, int fd, nint offset);

        [DllImport("libc", EntryPoint = "munmap")]
        private static extern int munmap(IntPtr address, nuint length);

        /// <summary>
        /// TorchSharp's native tensor constructor over caller-owned memory (<c>THSTensor_new</c>, libtorch's
        /// <c>from_blob</c> with a deleter), which TorchSharp 0.107 calls only for managed arrays: found in the
        /// <c>LibTorchSharp</c> library that TorchSharp itself loaded.
        /// </summary>
        private static class TensorFromBlob
        {
            public static readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, long*, int, sbyte, sbyte, int, int, byte, IntPtr> Function = Find();

            private static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, long*, int, sbyte, sbyte, int, int, byte, IntPtr> Find()
            {
                _ = torch.get_num_threads(); // TorchSharp has loaded its native library
                if (NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out var library)
                    && NativeLibrary.TryGetExport(library, "THSTensor_new", out var function))
                    return (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, long*, int, sbyte, sbyte, int, int, byte, IntPtr>)function;
                return null;
            }
        }
    }
}
