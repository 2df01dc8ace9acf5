using System.Runtime.InteropServices;

namespace PrunedLrp.Kernels;

/// <summary>
/// Asks Linux to back large, long-lived buffers (the model file, packed and Winograd-transformed weights, activations
/// and relevance) with transparent huge pages, <c>madvise(MADV_HUGEPAGE)</c>, before they are first written: the first
/// write then takes one page fault per 2 MB instead of one per 4 KB. Weight forms below <see cref="MinBytes"/> get
/// huge pages through the shared blocks of <see cref="FormArena"/>.
/// </summary>
/// <remarks>
/// Fresh memory is what one-shot runs spend their time on: on the test VM, where a page fault is slow, loading
/// VGG-16's 528 MB file took 2.27-2.94 s, and 0.57-0.60 s with this advice; a whole <c>plrp explain</c> of one image
/// 4.33-4.60 s, and 2.20-2.41 s (bench/results/huge-pages.md). The advice only matters where the system's
/// <c>transparent_hugepage/enabled</c> is <c>madvise</c> (as there; with <c>always</c> the kernel does it unasked,
/// with <c>never</c> it does nothing). It changes no value: the buffers are zeroed or written as before. It is the C
/// library's <c>madvise</c>, the system call wrapper the runtime itself uses, not a native library of ours; other
/// systems, a failing call and <c>PRUNEDLRP_HUGE_PAGES=0</c> (for A/B timing) leave the pages as they are.
/// </remarks>
internal static unsafe partial class HugePages
{
    /// <summary>Buffers below this size are left alone (a huge page is 2 MB; the advice costs a system call).</summary>
    public const long MinBytes = 4 << 20;

    const int AdviseHugePage = 14; // MADV_HUGEPAGE in Linux's mman-common.h, the same on every architecture

    static bool s_enabled = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("PRUNEDLRP_HUGE_PAGES") != "0";

    /// <summary>Whether the advice is given (Linux, not turned off, and the call has not failed to bind).</summary>
    public static bool Enabled => s_enabled;

    /// <summary>Advises the whole 4 KB pages inside <c>[start, start + bytes)</c> when the range is at least
    /// <see cref="MinBytes"/>; returns whether the kernel accepted the advice.</summary>
    public static bool Advise(void* start, long bytes)
    {
        if (!s_enabled || start == null || bytes < MinBytes)
            return false;
        const long page = 4096;
        long first = ((long)start + page - 1) & ~(page - 1), end = ((long)start + bytes) & ~(page - 1);
        try
        {
            return Madvise((nint)first, (nuint)(end - first), AdviseHugePage) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_enabled = false; // a C library without madvise: leave the pages as they are from now on
            return false;
        }
    }

    /// <summary>
    /// A zeroed array of <paramref name="length"/> floats, as <c>new float[length]</c>; from <see cref="MinBytes"/> up,
    /// pinned (so that the advised range stays the array's) and advised before it is zeroed.
    /// </summary>
    public static float[] ZeroedArray(int length)
    {
        if (!s_enabled || (long)length * sizeof(float) < MinBytes)
            return new float[length];
        // Zeroed by the GC only where its memory was used before: fresh pages are left untouched until their first
        // write, which the advice then serves with huge pages (clearing them here faulted them all in at once).
        var array = GC.AllocateArray<float>(length, pinned: true);
        fixed (float* p = array)
            Advise(p, (long)length * sizeof(float));
        return array;
    }

    /// <summary>
    /// An array of <paramref name="length"/> floats whose contents the caller writes in full before reading any,
    /// pinned, and advised when it is at least <see cref="MinBytes"/>.
    /// </summary>
    public static float[] PinnedUninitializedArray(int length)
    {
        var array = GC.AllocateUninitializedArray<float>(length, pinned: true);
        fixed (float* p = array)
            Advise(p, (long)length * sizeof(float));
        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
