using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// Max pooling of 8 horizontally adjacent interior windows at once for stride 1 or 2 and no dilation (ResNet's 3x3
/// stride-2 pool, for one). The taps are visited in row-major scan order and a later tap wins only when strictly
/// greater, so the winner is the first maximum as in <see cref="MaxPoolKernel"/>; groups holding a NaN are left to
/// the scalar scan, which lets NaN win.
/// </summary>
internal static unsafe class MaxPoolVector
{
    public static bool Applies(in ConvShape s) => Avx2.IsSupported && s.DilationHeight == 1 && s.DilationWidth == 1
        && s.StrideWidth is 1 or 2 && s.KernelWidth <= 16;

    /// <summary>
    /// Whether windows q0..q0+7 of an output row whose first input row is h0 lie inside the input, and every load stays
    /// within the row (<see cref="Group"/> reads 16 floats from column w0 + v for stride 2).
    /// </summary>
    public static bool Inside(in ConvShape s, int h0, int q0)
    {
        int w0 = q0 * s.StrideWidth - s.PadLeft;
        int end = s.StrideWidth == 2 ? w0 + s.KernelWidth - 1 + 16 : w0 + s.KernelWidth - 1 + 8;
        return h0 >= 0 && h0 + s.KernelHeight <= s.InHeight && w0 >= 0 && end <= s.InWidth;
    }

    /// <summary>
    /// Windows q0..q0+7 of one output row (first input row h0 of plane x): writes their maxima to y[q0..q0+8), or, when
    /// <paramref name="y"/> is null, adds rOut[q0 + l] to rIn at each window's winner. Returns false, having written
    /// nothing, when a NaN is among the taps.
    /// </summary>
    public static bool Group(in ConvShape s, float* x, int h0, int q0, float* y, float* rOut, float* rIn)
    {
        int w0 = q0 * s.StrideWidth - s.PadLeft;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * s.StrideWidth;
        Vector256<float> best = default;
        Vector256<int> where = default;
        var nan = Vector256<float>.Zero;
        bool track = y == null; // the winners' positions matter only to the relevance pass
        for (int u = 0; u < s.KernelHeight; u++)
        {
            float* row = x + (long)(h0 + u) * s.InWidth + w0;
            int rowStart = (h0 + u) * s.InWidth + w0;
            ScanRow(s, row, rowStart, lane, u == 0, track, ref best, ref where, ref nan);
        }
        if (!Avx.TestZ(nan, nan))
            return false;
        if (y != null)
        {
            Avx.Store(y + q0, best);
            return true;
        }
        // Windows overlap when the stride is below the kernel, so the winners are added one by one.
        for (int l = 0; l < 8; l++)
            rIn[where.GetElement(l)] += rOut[q0 + l];
        return true;
    }

    /// <summary>
    /// Windows q0..q0+count-1 (count &lt;= 8) of an output row as <see cref="Group"/> runs them, for groups that reach past
    /// the input (the image's border rows and columns) or past the row's last window: each window row is copied with
    /// -inf outside the input (padding never wins), and the rows outside the input are skipped. Returns false, having
    /// written nothing, when a NaN is among the taps or a window's maximum is -inf (the scalar scan then picks the first
    /// tap inside the input).
    /// </summary>
    public static bool BorderGroup(in ConvShape s, float* x, int h0, int q0, int count, float* y, float* rOut, float* rIn)
    {
        int u0 = Math.Max(0, -h0), u1 = Math.Min(s.KernelHeight, s.InHeight - h0);
        if (u0 >= u1 || u1 - u0 > MaxBorderRows)
            return false;
        int w0 = q0 * s.StrideWidth - s.PadLeft;
        int j0 = Math.Clamp(-w0, 0, RowFloats), j1 = Math.Clamp(s.InWidth - w0, j0, RowFloats);
        float* copy = stackalloc float[MaxBorderRows * RowFloats];
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * s.StrideWidth;
        Vector256<float> best = default;
        Vector256<int> where = default;
        var nan = Vector256<float>.Zero;
        bool track = y == null;
        for (int u = u0; u < u1; u++)
        {
            float* row = copy + (u - u0) * RowFloats;
            new Span<float>(row, RowFloats).Fill(float.NegativeInfinity);
            new ReadOnlySpan<float>(x + (long)(h0 + u) * s.InWidth + w0 + j0, j1 - j0).CopyTo(new Span<float>(row + j0, j1 - j0));
            int rowStart = (h0 + u) * s.InWidth + w0;
            ScanRow(s, row, rowStart, lane, u == u0, track, ref best, ref where, ref nan);
        }
        var lanes = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
        var lost = Avx.CompareEqual(best, Vector256.Create(float.NegativeInfinity)) & lanes; // only padding, or a real -inf
        if (!Avx.TestZ(nan | lost, nan | lost))
            return false;
        if (y != null)
        {
            for (int l = 0; l < count; l++)
                y[q0 + l] = best.GetElement(l);
            return true;
        }
        for (int l = 0; l < count; l++)
            rIn[where.GetElement(l)] += rOut[q0 + l];
        return true;
    }

    // A border group's copied window row: 8 windows at stride 2 read up to column 2 * 7 + 15 + 1 of it (KernelWidth <= 16).
    const int RowFloats = 32;

    // Window rows a border group copies at most (taller kernels take the scalar scan at the border).
    const int MaxBorderRows = 16;

    // The taps of one window row for 8 windows, in scan order: the running maximum, a later tap winning only when
    // strictly greater, and (for the relevance pass) where it is; the first row's first tap starts the scan.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ScanRow(in ConvShape s, float* row, int rowStart, Vector256<int> lane, bool firstRow, bool track,
        ref Vector256<float> best, ref Vector256<int> where, ref Vector256<float> nan)
    {
        for (int v = 0; v < s.KernelWidth; v++)
        {
            var tap = Tap(row, v, s.StrideWidth);
            nan |= Avx.CompareUnordered(tap, tap);
            if (firstRow && v == 0)
            {
                best = tap;
                if (track) where = lane + Vector256.Create(rowStart);
                continue;
            }
            var wins = Avx.CompareGreaterThan(tap, best);
            best = Avx.BlendVariable(best, tap, wins);
            if (track)
                where = Avx.BlendVariable(where.AsSingle(), (lane + Vector256.Create(rowStart + v)).AsSingle(), wins).AsInt32();
        }
    }

    // Tap v of 8 windows: row[v + stride * l] for l < 8.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Tap(float* row, int v, int stride)
    {
        if (stride == 1)
            return Avx.LoadVector256(row + v);
        float* p = row + (v & ~1);
        var a = Avx.LoadVector256(p);
        var b = Avx.LoadVector256(p + 8);
        return (v & 1) == 0 ? VectorPairs.Even(a, b) : VectorPairs.Odd(a, b);
    }
}
