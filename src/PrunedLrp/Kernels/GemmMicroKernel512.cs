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
    /// packed MR-row panels (kc x MR each), <paramref name="b"/> one packed NR-column panel (kc x NR). With
    /// <paramref name="bias"/> (12 rows' values, not with accumulate) C = A0A1 B + bias; with <paramref name="rectify"/>,
    /// max(., 0) before the store (the epilogue of <see cref="GemmMicroKernel.Fma6x16Fused"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma12x16(int kc, float* a0, float* a1, float* b, float* c, int ldc, bool accumulate, float* bias = null, bool rectify = false)
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
        Store(c, c0, accumulate, GemmMicroKernel.RowOf(bias, 0), rectify); c += ldc;
        Store(c, c1, accumulate, GemmMicroKernel.RowOf(bias, 1), rectify); c += ldc;
        Store(c, c2, accumulate, GemmMicroKernel.RowOf(bias, 2), rectify); c += ldc;
        Store(c, c3, accumulate, GemmMicroKernel.RowOf(bias, 3), rectify); c += ldc;
        Store(c, c4, accumulate, GemmMicroKernel.RowOf(bias, 4), rectify); c += ldc;
        Store(c, c5, accumulate, GemmMicroKernel.RowOf(bias, 5), rectify); c += ldc;
        Store(c, c6, accumulate, GemmMicroKernel.RowOf(bias, 6), rectify); c += ldc;
        Store(c, c7, accumulate, GemmMicroKernel.RowOf(bias, 7), rectify); c += ldc;
        Store(c, c8, accumulate, GemmMicroKernel.RowOf(bias, 8), rectify); c += ldc;
        Store(c, c9, accumulate, GemmMicroKernel.RowOf(bias, 9), rectify); c += ldc;
        Store(c, c10, accumulate, GemmMicroKernel.RowOf(bias, 10), rectify); c += ldc;
        Store(c, c11, accumulate, GemmMicroKernel.RowOf(bias, 11), rectify);
    }

    /// <summary><c>C[0..12, 0..32] (+)= A0A1 [B0 B1]</c> for full tiles: <paramref name="a0"/> and <paramref name="a1"/> are
    /// two packed MR-row panels, <paramref name="b0"/> and <paramref name="b1"/> two packed NR-column panels (kc x NR
    /// each) of adjacent columns. 24 accumulators: each of the 12 broadcasts of A per k feeds two FMAs, where
    /// <see cref="Fma12x16"/> issues one broadcast per FMA (the broadcasts, not the FMAs, then bound it).</summary>
    /// <remarks>Bias and ReLU as in <see cref="Fma12x16"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma12x32(int kc, float* a0, float* a1, float* b0, float* b1, float* c, int ldc, bool accumulate, float* bias = null,
        bool rectify = false)
    {
        Vector512<float> c00 = default, c10 = default, c20 = default, c30 = default, c40 = default, c50 = default;
        Vector512<float> c60 = default, c70 = default, c80 = default, c90 = default, ca0 = default, cb0 = default;
        Vector512<float> c01 = default, c11 = default, c21 = default, c31 = default, c41 = default, c51 = default;
        Vector512<float> c61 = default, c71 = default, c81 = default, c91 = default, ca1 = default, cb1 = default;
        for (int p = 0; p < kc; p++)
        {
            var x = Avx512F.LoadVector512(b0);
            var y = Avx512F.LoadVector512(b1);
            var s = Vector512.Create(a0[0]); c00 = Avx512F.FusedMultiplyAdd(s, x, c00); c01 = Avx512F.FusedMultiplyAdd(s, y, c01);
            s = Vector512.Create(a0[1]); c10 = Avx512F.FusedMultiplyAdd(s, x, c10); c11 = Avx512F.FusedMultiplyAdd(s, y, c11);
            s = Vector512.Create(a0[2]); c20 = Avx512F.FusedMultiplyAdd(s, x, c20); c21 = Avx512F.FusedMultiplyAdd(s, y, c21);
            s = Vector512.Create(a0[3]); c30 = Avx512F.FusedMultiplyAdd(s, x, c30); c31 = Avx512F.FusedMultiplyAdd(s, y, c31);
            s = Vector512.Create(a0[4]); c40 = Avx512F.FusedMultiplyAdd(s, x, c40); c41 = Avx512F.FusedMultiplyAdd(s, y, c41);
            s = Vector512.Create(a0[5]); c50 = Avx512F.FusedMultiplyAdd(s, x, c50); c51 = Avx512F.FusedMultiplyAdd(s, y, c51);
            s = Vector512.Create(a1[0]); c60 = Avx512F.FusedMultiplyAdd(s, x, c60); c61 = Avx512F.FusedMultiplyAdd(s, y, c61);
            s = Vector512.Create(a1[1]); c70 = Avx512F.FusedMultiplyAdd(s, x, c70); c71 = Avx512F.FusedMultiplyAdd(s, y, c71);
            s = Vector512.Create(a1[2]); c80 = Avx512F.FusedMultiplyAdd(s, x, c80); c81 = Avx512F.FusedMultiplyAdd(s, y, c81);
            s = Vector512.Create(a1[3]); c90 = Avx512F.FusedMultiplyAdd(s, x, c90); c91 = Avx512F.FusedMultiplyAdd(s, y, c91);
            s = Vector512.Create(a1[4]); ca0 = Avx512F.FusedMultiplyAdd(s, x, ca0); ca1 = Avx512F.FusedMultiplyAdd(s, y, ca1);
            s = Vector512.Create(a1[5]); cb0 = Avx512F.FusedMultiplyAdd(s, x, cb0); cb1 = Avx512F.FusedMultiplyAdd(s, y, cb1);
            a0 += MR;
            a1 += MR;
            b0 += NR;
            b1 += NR;
        }
        StorePair(c, c00, c01, accumulate, GemmMicroKernel.RowOf(bias, 0), rectify); c += ldc;
        StorePair(c, c10, c11, accumulate, GemmMicroKernel.RowOf(bias, 1), rectify); c += ldc;
        StorePair(c, c20, c21, accumulate, GemmMicroKernel.RowOf(bias, 2), rectify); c += ldc;
        StorePair(c, c30, c31, accumulate, GemmMicroKernel.RowOf(bias, 3), rectify); c += ldc;
        StorePair(c, c40, c41, accumulate, GemmMicroKernel.RowOf(bias, 4), rectify); c += ldc;
        StorePair(c, c50, c51, accumulate, GemmMicroKernel.RowOf(bias, 5), rectify); c += ldc;
        StorePair(c, c60, c61, accumulate, GemmMicroKernel.RowOf(bias, 6), rectify); c += ldc;
        StorePair(c, c70, c71, accumulate, GemmMicroKernel.RowOf(bias, 7), rectify); c += ldc;
        StorePair(c, c80, c81, accumulate, GemmMicroKernel.RowOf(bias, 8), rectify); c += ldc;
        StorePair(c, c90, c91, accumulate, GemmMicroKernel.RowOf(bias, 9), rectify); c += ldc;
        StorePair(c, ca0, ca1, accumulate, GemmMicroKernel.RowOf(bias, 10), rectify); c += ldc;
        StorePair(c, cb0, cb1, accumulate, GemmMicroKernel.RowOf(bias, 11), rectify);
    }

    /// <summary><c>C[0..rows, 0..32] (+)= A [B0 B1]</c> for the row panels left below the 12-row tiles (rows &lt;= MR):
    /// <paramref name="a"/> one packed MR-row panel (zero-padded past <paramref name="rows"/>, as the packers write it),
    /// <paramref name="b0"/> and <paramref name="b1"/> two packed NR-column panels of adjacent columns. 12 accumulators,
    /// 6 broadcasts of A and two loads of B per k; only the first <paramref name="rows"/> rows are stored.</summary>
    /// <remarks>Products with M = 64 or 128 (ResNet-50's narrow layers) leave 4 or 8 rows below their 12-row tiles, 6% of
    /// the product: in the Vector256 kernels those took twice the time per multiply-add of the 512-bit tiles. Bias and
    /// ReLU as in <see cref="Fma12x16"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma6x32(int kc, float* a, float* b0, float* b1, float* c, int ldc, int rows, bool accumulate, float* bias = null,
        bool rectify = false)
    {
        Vector512<float> c00 = default, c10 = default, c20 = default, c30 = default, c40 = default, c50 = default;
        Vector512<float> c01 = default, c11 = default, c21 = default, c31 = default, c41 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var x = Avx512F.LoadVector512(b0);
            var y = Avx512F.LoadVector512(b1);
            var s = Vector512.Create(a[0]); c00 = Avx512F.FusedMultiplyAdd(s, x, c00); c01 = Avx512F.FusedMultiplyAdd(s, y, c01);
            s = Vector512.Create(a[1]); c10 = Avx512F.FusedMultiplyAdd(s, x, c10); c11 = Avx512F.FusedMultiplyAdd(s, y, c11);
            s = Vector512.Create(a[2]); c20 = Avx512F.FusedMultiplyAdd(s, x, c20); c21 = Avx512F.FusedMultiplyAdd(s, y, c21);
            s = Vector512.Create(a[3]); c30 = Avx512F.FusedMultiplyAdd(s, x, c30); c31 = Avx512F.FusedMultiplyAdd(s, y, c31);
            s = Vector512.Create(a[4]); c40 = Avx512F.FusedMultiplyAdd(s, x, c40); c41 = Avx512F.FusedMultiplyAdd(s, y, c41);
            s = Vector512.Create(a[5]); c50 = Avx512F.FusedMultiplyAdd(s, x, c50); c51 = Avx512F.FusedMultiplyAdd(s, y, c51);
            a += MR;
            b0 += NR;
            b1 += NR;
        }
        StorePair(c, c00, c01, accumulate, GemmMicroKernel.RowOf(bias, 0), rectify);
        if (rows < 2) return;
        StorePair(c += ldc, c10, c11, accumulate, GemmMicroKernel.RowOf(bias, 1), rectify);
        if (rows < 3) return;
        StorePair(c += ldc, c20, c21, accumulate, GemmMicroKernel.RowOf(bias, 2), rectify);
        if (rows < 4) return;
        StorePair(c += ldc, c30, c31, accumulate, GemmMicroKernel.RowOf(bias, 3), rectify);
        if (rows < 5) return;
        StorePair(c += ldc, c40, c41, accumulate, GemmMicroKernel.RowOf(bias, 4), rectify);
        if (rows < 6) return;
        StorePair(c + ldc, c50, c51, accumulate, GemmMicroKernel.RowOf(bias, 5), rectify);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StorePair(float* c, Vector512<float> left, Vector512<float> right, bool accumulate, float* bias, bool rectify)
    {
        Store(c, left, accumulate, bias, rectify);
        Store(c + NR, right, accumulate, bias, rectify);
    }

    // One row of a tile: + the row's bias, or + C when accumulating; then max(., 0) when rectifying (as RectifyTile).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, Vector512<float> v, bool accumulate, float* bias, bool rectify)
    {
        if (bias != null)
            v += Vector512.Create(*bias);
        else if (accumulate)
            v += Avx512F.LoadVector512(c);
        if (rectify)
            v = Vector512.Max(v, Vector512<float>.Zero);
        Avx512F.Store(c, v);
    }
}
