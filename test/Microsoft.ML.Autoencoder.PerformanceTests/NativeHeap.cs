using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Autoencoder.PerformanceTests;

/// <summary>glibc's heap statistics (mallinfo2), printed with each epoch: how much of the native heap is in use.</summary>
internal static class NativeHeap
{
    public static string Describe()
    {
        try
        {
            var info = mallinfo2();
            return $"native heap {info.Arena >> 20} MB, in use {info.InUse >> 20} MB, free {info.Free >> 20} MB, mmapped {info.Mmapped >> 20} MB";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "native heap statistics unavailable";
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdinaryBlocks, SmallBlocks, MmappedBlocks, Mmapped, MaxTotal, FastFree, InUse, Free, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();
}
