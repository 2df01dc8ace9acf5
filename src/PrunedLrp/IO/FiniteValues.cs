using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PrunedLrp.Kernels;

namespace PrunedLrp.IO;

/// <summary>Finds NaN and infinite values in parameter blobs (a model with one would give NaN outputs, or worse,
/// numbers that depend on which kernel path skipped a zero product).</summary>
internal static class FiniteValues
{
    /// <summary>Values from which <see cref="FirstNonFinite(ReadOnlyMemory{float})"/> scans two halves on two threads
    /// (VGG-16's first dense layer holds 103 million).</summary>
    const int ParallelValues = 4 << 20;

    /// <summary>Index of the first NaN or infinity in <paramref name="values"/>, or -1; large arrays in two halves on
    /// two threads where the kernels may use two (<see cref="KernelWorker.Enabled"/>).</summary>
    public static int FirstNonFinite(ReadOnlyMemory<float> values)
    {
        if (values.Length < ParallelValues || !KernelWorker.Enabled)
            return FirstNonFinite(values.Span);
        int middle = values.Length / 2, first = -1, second = -1;
        Parallel.Invoke(
            () => first = FirstNonFinite(values.Span[..middle]),
            () => second = FirstNonFinite(values.Span[middle..]));
        return first >= 0 ? first : second >= 0 ? middle + second : -1;
    }

    /// <summary>Index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            // v - v is 0 for every finite v and NaN for NaN and both infinities.
            for (; i + 32 <= values.Length; i += 32)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                var b = Vector256.LoadUnsafe(ref start, (nuint)(i + 8));
                var c = Vector256.LoadUnsafe(ref start, (nuint)(i + 16));
                var d = Vector256.LoadUnsafe(ref start, (nuint)(i + 24));
                var zero = (a - a) + (b - b) + (c - c) + (d - d);
                if (!Vector256.EqualsAll(zero, Vector256<float>.Zero))
                    break;
            }
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                return i;
        }
        return -1;
    }
}
