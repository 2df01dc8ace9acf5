using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// The three transforms of Winograd's F(2x2, 3x3) (Lavin and Gray 2016), for the cross-correlation of CNNs:
/// <c>Y = A^T [(G g G^T) . (B^T d B)] A</c> with a 4x4 input tile d, a 3x3 kernel g and a 2x2 output tile Y, where
/// <c>B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]</c>, <c>G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]</c> and
/// <c>A^T = [1 1 1 0; 0 1 -1 -1]</c>. The input and output transforms run on 8 horizontally adjacent tiles at once.
/// </summary>
// Each method writes every entry of its stackalloc'ed scratch before reading it, so the runtime need not zero it.
[SkipLocalsInit]
internal static unsafe class WinogradTransforms
{
    /// <summary>U = G g G^T for 8 kernels at once, one per lane: g[t] holds entry t of each (row-major 3x3), u[4i + j]
    /// receives element (i, j) of each. (The tests' scalar twin does the same operations lane by lane.)</summary>
    public static void Kernel(Vector256<float>* g, Vector256<float>* u)
    {
        var half = Vector256.Create(0.5f);
        var gg = stackalloc Vector256<float>[12];
        for (int v = 0; v < 3; v++)
        {
            Vector256<float> g0 = g[v], g1 = g[3 + v], g2 = g[6 + v];
            gg[v] = g0;
            gg[3 + v] = half * (g0 + g1 + g2);
            gg[6 + v] = half * (g0 - g1 + g2);
            gg[9 + v] = g2;
        }
        for (int i = 0; i < 4; i++)
        {
            Vector256<float> a = gg[3 * i], b = gg[3 * i + 1], c = gg[3 * i + 2];
            u[4 * i] = a;
            u[4 * i + 1] = half * (a + b + c);
            u[4 * i + 2] = half * (a - b + c);
            u[4 * i + 3] = c;
        }
    }

    /// <summary>
    /// V = B^T d B for tiles tx0..tx0+7 of one tile row: <paramref name="rows"/> holds the tile row's 4 input rows,
    /// <paramref name="stride"/> apart, with tile t's columns at [2t, 2t+4). Element ξ = 4i + j of tile tx0 + l goes to
    /// <c>dst[ξ * plane + l]</c>, for the first <paramref name="count"/> tiles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(float* rows, int stride, int tx0, float* dst, long plane, int count)
    {
        float* p = rows + 2 * tx0;
        Row(p, out var w00, out var w01, out var w02, out var w03);
        Row(p + stride, out var w10, out var w11, out var w12, out var w13);
        Row(p + 2 * stride, out var w20, out var w21, out var w22, out var w23);
        Row(p + 3 * stride, out var w30, out var w31, out var w32, out var w33);
        var mask = VectorTails.Mask(count);
        Column(w00, w10, w20, w30, dst, 4 * plane, mask, count);
        Column(w01, w11, w21, w31, dst + plane, 4 * plane, mask, count);
        Column(w02, w12, w22, w32, dst + 2 * plane, 4 * plane, mask, count);
        Column(w03, w13, w23, w33, dst + 3 * plane, 4 * plane, mask, count);
    }

    // d B along one row: w0 = d0 - d2, w1 = d1 + d2, w2 = d2 - d1, w3 = d1 - d3, with d_k = row[2t + k].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Row(float* p, out Vector256<float> w0, out Vector256<float> w1, out Vector256<float> w2, out Vector256<float> w3)
    {
        var a = Avx.LoadVector256(p);
        var b = Avx.LoadVector256(p + 8);
        var a2 = Avx.LoadVector256(p + 2);
        var b2 = Avx.LoadVector256(p + 10);
        var d0 = VectorPairs.Even(a, b);
        var d1 = VectorPairs.Odd(a, b);
        var d2 = VectorPairs.Even(a2, b2);
        var d3 = VectorPairs.Odd(a2, b2);
        w0 = d0 - d2;
        w1 = d1 + d2;
        w2 = d2 - d1;
        w3 = d1 - d3;
    }

    // B^T along one column of the tile (the 4 rows' w_j): writes V[4i + j] for i = 0..3, `step` apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Column(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3, float* dst, long step,
        Vector256<float> mask, int count)
    {
        VectorTails.Store(r0 - r2, dst, mask, count);
        VectorTails.Store(r1 + r2, dst + step, mask, count);
        VectorTails.Store(r2 - r1, dst + 2 * step, mask, count);
        VectorTails.Store(r1 - r3, dst + 3 * step, mask, count);
    }

    /// <summary>
    /// Y = A^T M A (+ bias) for tiles tx0..tx0+7 of one tile row: element ξ of tile tx0 + l is <c>src[ξ * plane + l]</c>
    /// (8 floats are read per ξ even when fewer tiles are valid). Writes output rows <paramref name="out0"/> and, when
    /// not null, <paramref name="out1"/>, columns [2 tx0, 2 tx0 + <paramref name="columns"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(float* src, long plane, float bias, float* out0, float* out1, int tx0, int columns, bool rectify = false)
    {
        // A^T M: s0j = m0j + m1j + m2j, s1j = m1j - m2j - m3j.
        Sum(src, plane, 0, out var s00, out var s10);
        Sum(src, plane, 1, out var s01, out var s11);
        Sum(src, plane, 2, out var s02, out var s12);
        Sum(src, plane, 3, out var s03, out var s13);
        var b = Vector256.Create(bias);
        // (A^T M) A: y_i0 = s_i0 + s_i1 + s_i2, y_i1 = s_i1 - s_i2 - s_i3.
        WriteRow(Rectified(s00 + s01 + s02 + b, rectify), Rectified(s01 - s02 - s03 + b, rectify), out0 + 2 * tx0, columns);
        if (out1 != null)
            WriteRow(Rectified(s10 + s11 + s12 + b, rectify), Rectified(s11 - s12 - s13 + b, rectify), out1 + 2 * tx0, columns);
    }

    /// <summary>max(y, 0) when <paramref name="rectify"/> (a ReLU fused into the output transform; NaN stays, -0 becomes
    /// +0, as TensorPrimitives.Max), else y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rectified(Vector256<float> y, bool rectify) => rectify ? Vector256.Max(y, Vector256<float>.Zero) : y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Sum(float* src, long plane, int j, out Vector256<float> s0, out Vector256<float> s1)
    {
        var m0 = Avx.LoadVector256(src + j * plane);
        var m1 = Avx.LoadVector256(src + (4 + j) * plane);
        var m2 = Avx.LoadVector256(src + (8 + j) * plane);
        var m3 = Avx.LoadVector256(src + (12 + j) * plane);
        s0 = m0 + m1 + m2;
        s1 = m1 - m2 - m3;
    }

    // Interleaves the even (y0) and odd (y1) output columns of 8 tiles into 16 consecutive outputs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WriteRow(Vector256<float> y0, Vector256<float> y1, float* dst, int columns)
    {
        var (first, second) = VectorPairs.Interleave(y0, y1);
        if (columns >= 16)
        {
            Avx.Store(dst, first);
            Avx.Store(dst + 8, second);
            return;
        }
        Avx.MaskStore(dst, VectorTails.Mask(columns), first);
        if (columns > 8)
            Avx.MaskStore(dst + 8, VectorTails.Mask(columns - 8), second);
    }
}
