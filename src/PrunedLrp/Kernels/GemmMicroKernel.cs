using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// The MR x NR register tile: <c>C[0..mr, 0..nr] (+)= sum_p Ap[p, 0..MR] (outer) Bp[p, 0..NR]</c> over packed panels
/// (Ap: kc rows of MR floats, Bp: kc rows of NR floats, both zero-padded, so the loop always computes a full tile and
/// only the store clips to mr x nr).
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmMicroKernel
{
    /// <summary>6 x 16 tile with Vector256 FMA: 12 accumulators live in registers for the whole kc loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma6x16(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool accumulate) =>
        Tile6x16(kc, a, b, c, ldc, mr, nr, accumulate, null, false);

    /// <summary>
    /// A full 6 x 16 tile with the product's epilogue in registers: <c>C = A B + bias</c> (row i adds
    /// <c>bias[i]</c>; bias null: none), or <c>C = C + A B</c> with <paramref name="accumulate"/> (and no bias); then
    /// <c>C = max(C, 0)</c> with <paramref name="rectify"/>. The same float operations as setting C to the bias,
    /// accumulating into it and rectifying it in passes of their own (A B + bias in one rounding, then Vector256.Max),
    /// without those passes' 36 loads and stores per tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma6x16Fused(int kc, float* a, float* b, float* c, int ldc, float* bias, bool accumulate, bool rectify) =>
        Tile6x16(kc, a, b, c, ldc, MR, NR, accumulate, bias, rectify);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Tile6x16(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool accumulate, float* bias, bool rectify)
    {
        // The C tile is touched only after the kc loop; fetching its 6 rows (2 lines each) now hides the misses
        // that otherwise cost ~10% at k = 1024 (measured with perf).
        for (int i = 0; i < MR; i++)
        {
            Sse.Prefetch0(c + (long)i * ldc);
            Sse.Prefetch0(c + (long)i * ldc + NR - 1);
        }
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var x = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
            a += MR;
            b += NR;
        }

        if (mr == MR && nr == NR)
        {
            Store(c, c00, c01, accumulate, bias, rectify); c += ldc;
            Store(c, c10, c11, accumulate, RowOf(bias, 1), rectify); c += ldc;
            Store(c, c20, c21, accumulate, RowOf(bias, 2), rectify); c += ldc;
            Store(c, c30, c31, accumulate, RowOf(bias, 3), rectify); c += ldc;
            Store(c, c40, c41, accumulate, RowOf(bias, 4), rectify); c += ldc;
            Store(c, c50, c51, accumulate, RowOf(bias, 5), rectify);
            return;
        }

        // Edge tile (never with an epilogue: Fma6x16Fused is for full tiles): spill the full tile and copy the valid part.
        float* t = stackalloc float[MR * NR];
        Avx.Store(t, c00); Avx.Store(t + 8, c01); Avx.Store(t + 16, c10); Avx.Store(t + 24, c11);
        Avx.Store(t + 32, c20); Avx.Store(t + 40, c21); Avx.Store(t + 48, c30); Avx.Store(t + 56, c31);
        Avx.Store(t + 64, c40); Avx.Store(t + 72, c41); Avx.Store(t + 80, c50); Avx.Store(t + 88, c51);
        StoreEdge(t, c, ldc, mr, nr, accumulate);
    }

    /// <summary>
    /// 6 x 8 tile for a last column panel with 5 to 8 valid columns (fewer go to <see cref="FmaColumns"/>):
    /// half the work of <see cref="Fma6x16"/>; two sets of 6 accumulators over even and odd k keep both FMA ports busy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma6x8(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + NR);
            c0 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a), b0, c0);
            d0 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + MR), b1, d0);
            c1 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 1), b0, c1);
            d1 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + MR + 1), b1, d1);
            c2 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 2), b0, c2);
            d2 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + MR + 2), b1, d2);
            c3 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 3), b0, c3);
            d3 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + MR + 3), b1, d3);
            c4 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 4), b0, c4);
            d4 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + MR + 4), b1, d4);
            c5 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 5), b0, c5);
            d5 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + MR + 5), b1, d5);
            a += 2 * MR;
            b += 2 * NR;
        }
        if (p < kc)
        {
            var b0 = Avx.LoadVector256(b);
            c0 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a), b0, c0);
            c1 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 1), b0, c1);
            c2 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 2), b0, c2);
            c3 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 3), b0, c3);
            c4 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 4), b0, c4);
            c5 = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(a + 5), b0, c5);
        }
        float* t = stackalloc float[MR * NR];
        Avx.Store(t, c0 + d0); Avx.Store(t + NR, c1 + d1); Avx.Store(t + 2 * NR, c2 + d2);
        Avx.Store(t + 3 * NR, c3 + d3); Avx.Store(t + 4 * NR, c4 + d4); Avx.Store(t + 5 * NR, c5 + d5);
        StoreEdge(t, c, ldc, mr, nr, accumulate);
    }

    /// <summary>
    /// 6 x nr tile for a last column panel with at most 4 valid columns (n = 49 of a 7x7 feature map leaves 1 of 16,
    /// n = 196 of a 14x14 one 4): A's 6 rows go in the lanes (a masked load of 6 of 8 floats, never past the panel),
    /// so each column costs one FMA per k instead of the 6 of <see cref="Fma6x8"/>; k is unrolled 4 ways for one column
    /// and 2 ways for more, so that at least 4 FMAs are in flight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FmaColumns(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        var rows = Vector256.Create(-1, -1, -1, -1, -1, -1, 0, 0).AsSingle();
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default;
        int p = 0;
        if (nr == 1)
        {
            for (; p + 4 <= kc; p += 4)
            {
                s0 = Fma.MultiplyAdd(Avx.MaskLoad(a, rows), Avx.BroadcastScalarToVector256(b), s0);
                s1 = Fma.MultiplyAdd(Avx.MaskLoad(a + MR, rows), Avx.BroadcastScalarToVector256(b + NR), s1);
                s2 = Fma.MultiplyAdd(Avx.MaskLoad(a + 2 * MR, rows), Avx.BroadcastScalarToVector256(b + 2 * NR), s2);
                s3 = Fma.MultiplyAdd(Avx.MaskLoad(a + 3 * MR, rows), Avx.BroadcastScalarToVector256(b + 3 * NR), s3);
                a += 4 * MR;
                b += 4 * NR;
            }
            for (; p < kc; p++, a += MR, b += NR)
                s0 = Fma.MultiplyAdd(Avx.MaskLoad(a, rows), Avx.BroadcastScalarToVector256(b), s0);
            s0 = (s0 + s1) + (s2 + s3);
        }
        else
        {
            for (; p + 2 <= kc; p += 2)
            {
                var x = Avx.MaskLoad(a, rows);
                var y = Avx.MaskLoad(a + MR, rows);
                s0 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b), s0);
                s1 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b + 1), s1);
                s2 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b + 2), s2);
                s3 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b + 3), s3);
                t0 = Fma.MultiplyAdd(y, Avx.BroadcastScalarToVector256(b + NR), t0);
                t1 = Fma.MultiplyAdd(y, Avx.BroadcastScalarToVector256(b + NR + 1), t1);
                t2 = Fma.MultiplyAdd(y, Avx.BroadcastScalarToVector256(b + NR + 2), t2);
                t3 = Fma.MultiplyAdd(y, Avx.BroadcastScalarToVector256(b + NR + 3), t3);
                a += 2 * MR;
                b += 2 * NR;
            }
            if (p < kc)
            {
                var x = Avx.MaskLoad(a, rows);
                s0 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b), s0);
                s1 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b + 1), s1);
                s2 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b + 2), s2);
                s3 = Fma.MultiplyAdd(x, Avx.BroadcastScalarToVector256(b + 3), s3);
            }
            s0 += t0; s1 += t1; s2 += t2; s3 += t3;
        }
        // Lane i of column j's sum is C[i, j].
        float* t = stackalloc float[4 * 8];
        Avx.Store(t, s0); Avx.Store(t + 8, s1); Avx.Store(t + 16, s2); Avx.Store(t + 24, s3);
        for (int i = 0; i < mr; i++, c += ldc)
        {
            for (int j = 0; j < nr; j++)
                c[j] = accumulate ? c[j] + t[j * 8 + i] : t[j * 8 + i];
        }
    }

    /// <summary>1 x 16 tile for a single row of A (batch-1 dense layers): 4-way k unrolling hides the FMA latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fma1x16(int kc, float* a, float* b, float* c, int nr, bool accumulate)
    {
        Vector256<float> s0 = default, s1 = default, t0 = default, t1 = default;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            var x = Avx.BroadcastScalarToVector256(a);
            s0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b), s0);
            s1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 8), s1);
            var y = Avx.BroadcastScalarToVector256(a + MR);
            t0 = Fma.MultiplyAdd(y, Avx.LoadVector256(b + NR), t0);
            t1 = Fma.MultiplyAdd(y, Avx.LoadVector256(b + NR + 8), t1);
            a += 2 * MR;
            b += 2 * NR;
        }
        if (p < kc)
        {
            var x = Avx.BroadcastScalarToVector256(a);
            s0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b), s0);
            s1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 8), s1);
        }
        s0 += t0;
        s1 += t1;
        if (nr == NR)
        {
            Store(c, s0, s1, accumulate);
            return;
        }
        float* t = stackalloc float[NR];
        Avx.Store(t, s0); Avx.Store(t + 8, s1);
        StoreEdge(t, c, 0, 1, nr, accumulate);
    }

    /// <summary>Portable tile (no FMA): Vector128 multiply + add, used when the CPU lacks AVX2/FMA.</summary>
    public static void Portable6x16(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        var acc = stackalloc Vector128<float>[MR * NR / 4];
        for (int i = 0; i < MR * NR / 4; i++) acc[i] = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var b2 = Vector128.Load(b + 8);
            var b3 = Vector128.Load(b + 12);
            for (int i = 0; i < MR; i++)
            {
                var x = Vector128.Create(a[i]);
                var row = acc + i * 4;
                row[0] += x * b0; row[1] += x * b1; row[2] += x * b2; row[3] += x * b3;
            }
            a += MR;
            b += NR;
        }
        StoreEdge((float*)acc, c, ldc, mr, nr, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, Vector256<float> lo, Vector256<float> hi, bool accumulate) => Store(c, lo, hi, accumulate, null, false);

    /// <summary>Row <paramref name="row"/>'s value of a per-row vector such as a tile's bias (null stays null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float* RowOf(float* values, int row) => values == null ? null : values + row;

    // One row of a full tile with its epilogue: + C (accumulating) or + the row's bias, then max(., 0) when rectifying
    // (Vector256.Max as RectifyTile's: NaN stays, -0 becomes +0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, Vector256<float> lo, Vector256<float> hi, bool accumulate, float* bias, bool rectify)
    {
        if (bias != null)
        {
            var value = Vector256.Create(*bias);
            lo += value;
            hi += value;
        }
        else if (accumulate)
        {
            lo += Avx.LoadVector256(c);
            hi += Avx.LoadVector256(c + 8);
        }
        if (rectify)
        {
            lo = Vector256.Max(lo, Vector256<float>.Zero);
            hi = Vector256.Max(hi, Vector256<float>.Zero);
        }
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }

    static void StoreEdge(float* t, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        for (int i = 0; i < mr; i++, t += NR, c += ldc)
        {
            if (accumulate)
                for (int j = 0; j < nr; j++) c[j] += t[j];
            else
                for (int j = 0; j < nr; j++) c[j] = t[j];
        }
    }
}
