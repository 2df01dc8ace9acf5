using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>Stores of the last, partial group of 8 lanes (the Winograd transforms' 8-tile groups).</summary>
internal static unsafe class VectorTails
{
    /// <summary>All bits set in lanes 0..count-1, clear in the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Mask(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    /// <summary>Stores the first <paramref name="count"/> lanes (all 8 when count &gt;= 8) through the matching
    /// <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* dst, Vector256<float> mask, int count)
    {
        if (count >= 8) Avx.Store(dst, value);
        else Avx.MaskStore(dst, mask, value);
    }
}
