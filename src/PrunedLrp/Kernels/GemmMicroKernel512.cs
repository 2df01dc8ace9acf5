using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// The AVX-512 register tile for CPUs that have it: 12 x 16 over two consecutive MR-row panels of A (the same packed
/// layout as the Vector256 kernels), one Vector512 of B per k and 12 accumulators, so each k step issues 12 FMAs of
/// 16 lanes where <see cref="GemmMicroKernel.Fma6x16"/> issues 12 of 8.
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmMicroKernel512
{
    /// <summary>Whether this CPU and build run the 512-bit tile (PRUNEDLRP_AVX512=0 turns it off for A/B timing).</summary>
    public static readonly bool Enabled = Avx512F.IsSupported && Vector512.IsHardwareAccelerated
        && Environment.GetEnvironmentVariable("PRUNEDLRP_AVX512") != "0";

    /// <summary><c>C[0..12, 0..16] (+)= A0A1 B</c> for full tiles: <paramref name="a0"/> and <paramref name="a1"/> are two
    /// packed MR-row panels (kc x MR each), <paramref name="b"/> one packed NR-column panel (kc x NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma12x16(int kc, float* a0, float* a1, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int p = 0; p < kc; p++)
        {
            var bv = Avx512F.LoadVector512(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[0]), bv, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[1]), bv, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[2]), bv, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[3]), bv, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[4]), bv, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[5]), bv, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[0]), bv, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[1]), bv, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[2]), bv, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[3]), bv, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[4]), bv, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[5]), bv, c11);
            a0 += MR;
            a1 += MR;
            b += NR;
        }
        Store(c, c0, accumulate); c += ldc;
        Store(c, c1, accumulate); c += ldc;
        Store(c, c2, accumulate); c += ldc;
        Store(c, c3, accumulate); c += ldc;
        Store(c, c4, accumulate); c += ldc;
        Store(c, c5, accumulate); c += ldc;
        Store(c, c6, accumulate); c += ldc;
        Store(c, c7, accumulate); c += ldc;
        Store(c, c8, accumulate); c += ldc;
        Store(c, c9, accumulate); c += ldc;
        Store(c, c10, accumulate); c += ldc;
        Store(c, c11, accumulate);
    }

    static void Store(float* c, Vector512<float> v, bool accumulate)
    {
        if (accumulate)
            v += Avx512F.LoadVector512(c);
        Avx512F.Store(c, v);
    }
}
