using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>De-interleaving and interleaving of 16 floats held in two Vector256 (AVX2), for kernels on stride-2 data.</summary>
internal static class VectorPairs
{
    /// <summary>x[0], x[2], ..., x[14] of the 16 floats a ++ b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Even(Vector256<float> a, Vector256<float> b) =>
        Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>x[1], x[3], ..., x[15] of the 16 floats a ++ b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Odd(Vector256<float> a, Vector256<float> b) =>
        Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>even[0], odd[0], even[1], odd[1], ..., even[7], odd[7] as (first 8, last 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> First, Vector256<float> Second) Interleave(Vector256<float> even, Vector256<float> odd)
    {
        var lo = Avx.UnpackLow(even, odd);   // e0 o0 e1 o1 | e4 o4 e5 o5
        var hi = Avx.UnpackHigh(even, odd);  // e2 o2 e3 o3 | e6 o6 e7 o7
        return (Avx.Permute2x128(lo, hi, 0x20), Avx.Permute2x128(lo, hi, 0x31));
    }
}
