using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// The three transforms of Winograd's F(4x4, 3x3) (Lavin and Gray 2016, points 0, +-1, +-2), for the
/// cross-correlation of CNNs: <c>Y = A^T [(G g G^T) . (B^T d B)] A</c> with a 6x6 input tile d, a 3x3 kernel g and a
/// 4x4 output tile Y, where
/// <c>B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]</c>,
/// <c>G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]</c> and
/// <c>A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]</c>. The input and output transforms run on 8
/// horizontally adjacent tiles at once.
/// </summary>
// Each method writes every entry of its stackalloc'ed scratch before reading it; without this attribute each call
// zeroed it first (1.1 KB per input transform of 8 tiles, 0.8 KB per output transform): 1.4% of VGG-16's explain samples.
[SkipLocalsInit]
internal static unsafe class WinogradTransforms4
{
    /// <summary>U = G g G^T for 8 kernels at once, one per lane: g[t] holds entry t of each (row-major 3x3), u[6i + j]
    /// receives element (i, j) of each. (The tests' scalar twin does the same operations lane by lane.)</summary>
    public static void Kernel(Vector256<float>* g, Vector256<float>* u)
    {
        var gg = stackalloc Vector256<float>[18];
        for (int v = 0; v < 3; v++)
            Apply(g[v], g[3 + v], g[6 + v], gg + v, 3);
        for (int i = 0; i < 6; i++)
            Apply(gg[3 * i], gg[3 * i + 1], gg[3 * i + 2], u + 6 * i, 1);
    }

    // G (a, b, c)^T: six values written `step` apart (reciprocals, not divisions; the negation as a sign flip).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Apply(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float>* dst, int step)
    {
        var sixth = Vector256.Create(1f / 6f);
        var outer = (a + c) * sixth;
        var middle = b * sixth;
        var near = a * Vector256.Create(1f / 24f) + c * sixth;
        var mid = b * Vector256.Create(1f / 12f);
        dst[0] = a * Vector256.Create(0.25f);
        dst[step] = Vector256.Xor(outer + middle, Vector256.Create(-0f));
        dst[2 * step] = middle - outer;
        dst[3 * step] = near + mid;
        dst[4 * step] = near - mid;
        dst[5 * step] = c;
    }

    /// <summary>
    /// V = B^T d B for tiles tx0..tx0+7 of one tile row: <paramref name="rows"/> holds the tile row's 6 input rows,
    /// <paramref name="stride"/> apart, with tile t's columns at [4t, 4t+6) (36 floats readable from 4 tx0 + 4).
    /// Element ξ = 6i + j of tile tx0 + l goes to <c>dst[ξ * plane + l]</c>, for the first <paramref name="count"/> tiles.
    /// </summary>
    public static void Input(float* rows, int stride, int tx0, float* dst, long plane, int count)
    {
        // d B per row, then B^T down each of the 6 columns; rows are transformed into w[6 * r + j].
        var w = stackalloc Vector256<float>[36];
        float* p = rows + 4 * tx0;
        for (int r = 0; r < 6; r++)
            Row(p + r * stride, w + 6 * r);
        var mask = VectorTails.Mask(count);
        for (int j = 0; j < 6; j++)
        {
            var d0 = w[j]; var d1 = w[6 + j]; var d2 = w[12 + j]; var d3 = w[18 + j]; var d4 = w[24 + j]; var d5 = w[30 + j];
            Transform(d0, d1, d2, d3, d4, d5, out var v0, out var v1, out var v2, out var v3, out var v4, out var v5);
            VectorTails.Store(v0, dst + j * plane, mask, count);
            VectorTails.Store(v1, dst + (6 + j) * plane, mask, count);
            VectorTails.Store(v2, dst + (12 + j) * plane, mask, count);
            VectorTails.Store(v3, dst + (18 + j) * plane, mask, count);
            VectorTails.Store(v4, dst + (24 + j) * plane, mask, count);
            VectorTails.Store(v5, dst + (30 + j) * plane, mask, count);
        }
    }

    // One row: d_k[l] = p[4l + k] for k = 0..5 (k = 4, 5 are phases 0, 1 of the next tile), then d B.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Row(float* p, Vector256<float>* w)
    {
        Phases(p, out var d0, out var d1, out var d2, out var d3);
        Phases(p + 4, out var d4, out var d5, out _, out _);
        Transform(d0, d1, d2, d3, d4, d5, out w[0], out w[1], out w[2], out w[3], out w[4], out w[5]);
    }

    // The four phases of 32 consecutive floats: phase k holds p[4l + k], l = 0..7.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Phases(float* p, out Vector256<float> q0, out Vector256<float> q1, out Vector256<float> q2, out Vector256<float> q3)
    {
        var a = Avx.LoadVector256(p);
        var b = Avx.LoadVector256(p + 8);
        var c = Avx.LoadVector256(p + 16);
        var d = Avx.LoadVector256(p + 24);
        var even = VectorPairs.Even(a, b);   // 0, 2, ..., 14
        var odd = VectorPairs.Odd(a, b);     // 1, 3, ..., 15
        var even2 = VectorPairs.Even(c, d);  // 16, 18, ..., 30
        var odd2 = VectorPairs.Odd(c, d);    // 17, 19, ..., 31
        q0 = VectorPairs.Even(even, even2);  // 0, 4, ..., 28
        q2 = VectorPairs.Odd(even, even2);   // 2, 6, ..., 30
        q1 = VectorPairs.Even(odd, odd2);    // 1, 5, ..., 29
        q3 = VectorPairs.Odd(odd, odd2);     // 3, 7, ..., 31
    }

    // B^T applied to (d0..d5).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transform(Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3, Vector256<float> d4,
        Vector256<float> d5, out Vector256<float> v0, out Vector256<float> v1, out Vector256<float> v2, out Vector256<float> v3,
        out Vector256<float> v4, out Vector256<float> v5)
    {
        var four = Vector256.Create(4f);
        var five = Vector256.Create(5f);
        var two = Vector256.Create(2f);
        var a = d4 - four * d2;        // d4 - 4 d2
        var b = d3 - four * d1;        // d3 - 4 d1
        var c = d4 - d2;
        var e = two * (d3 - d1);
        v0 = four * d0 - five * d2 + d4;
        v1 = a + b;                    // -4 d1 - 4 d2 + d3 + d4
        v2 = a - b;                    // 4 d1 - 4 d2 - d3 + d4
        v3 = c + e;                    // -2 d1 - d2 + 2 d3 + d4
        v4 = c - e;                    // 2 d1 - d2 - 2 d3 + d4
        v5 = four * d1 - five * d3 + d5;
    }

    /// <summary>
    /// Y = A^T M A (+ bias) for tiles tx0..tx0+7 of one tile row: element ξ of tile tx0 + l is <c>src[ξ * plane + l]</c>
    /// (8 floats are read per ξ even when fewer tiles are valid). Writes the output rows in <paramref name="outputs"/>
    /// (4 pointers; null past the output's last row), columns [4 tx0, 4 tx0 + <paramref name="columns"/>).
    /// </summary>
    public static void Output(float* src, long plane, float bias, float** outputs, int tx0, int columns, bool rectify = false)
    {
        // A^T M down each column j: s[i * 6 + j].
        var s = stackalloc Vector256<float>[24];
        for (int j = 0; j < 6; j++)
        {
            Reduce(Avx.LoadVector256(src + j * plane), Avx.LoadVector256(src + (6 + j) * plane),
                Avx.LoadVector256(src + (12 + j) * plane), Avx.LoadVector256(src + (18 + j) * plane),
                Avx.LoadVector256(src + (24 + j) * plane), Avx.LoadVector256(src + (30 + j) * plane),
                out s[j], out s[6 + j], out s[12 + j], out s[18 + j]);
        }
        var b = Vector256.Create(bias);
        for (int i = 0; i < 4; i++)
        {
            if (outputs[i] == null) break;
            Reduce(s[6 * i], s[6 * i + 1], s[6 * i + 2], s[6 * i + 3], s[6 * i + 4], s[6 * i + 5],
                out var y0, out var y1, out var y2, out var y3);
            WriteRow(WinogradTransforms.Rectified(y0 + b, rectify), WinogradTransforms.Rectified(y1 + b, rectify),
                WinogradTransforms.Rectified(y2 + b, rectify), WinogradTransforms.Rectified(y3 + b, rectify), outputs[i] + 4 * tx0, columns);
        }
    }

    // A^T applied to (m0..m5).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Reduce(Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, Vector256<float> m4,
        Vector256<float> m5, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3)
    {
        var two = Vector256.Create(2f);
        var four = Vector256.Create(4f);
        var eight = Vector256.Create(8f);
        var sum12 = m1 + m2;
        var diff12 = m1 - m2;
        var sum34 = m3 + m4;
        var diff34 = m3 - m4;
        y0 = m0 + sum12 + sum34;
        y1 = diff12 + two * diff34;
        y2 = sum12 + four * sum34;
        y3 = diff12 + eight * diff34 + m5;
    }

    // Interleaves the 4 output columns of 8 tiles into 32 consecutive outputs (fewer at the right edge).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WriteRow(Vector256<float> y0, Vector256<float> y1, Vector256<float> y2, Vector256<float> y3, float* dst, int columns)
    {
        var (p0, p1) = VectorPairs.Interleave(y0, y2); // y0_0 y2_0 y0_1 y2_1 ...
        var (q0, q1) = VectorPairs.Interleave(y1, y3);
        var (o0, o1) = VectorPairs.Interleave(p0, q0); // y0_0 y1_0 y2_0 y3_0 y0_1 ...
        var (o2, o3) = VectorPairs.Interleave(p1, q1);
        Write(o0, dst, columns);
        Write(o1, dst + 8, columns - 8);
        Write(o2, dst + 16, columns - 16);
        Write(o3, dst + 24, columns - 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Write(Vector256<float> value, float* dst, int count)
    {
        if (count >= 8) Avx.Store(dst, value);
        else if (count > 0) Avx.MaskStore(dst, VectorTails.Mask(count), value);
    }
}
