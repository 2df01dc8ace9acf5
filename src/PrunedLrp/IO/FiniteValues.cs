using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrunedLrp.IO;

/// <summary>Finds NaN and infinite values in parameter blobs (a model with one would give NaN outputs, or worse,
/// numbers that depend on which kernel path skipped a zero product).</summary>
internal static class FiniteValues
{
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
