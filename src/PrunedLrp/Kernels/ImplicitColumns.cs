using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// The column matrix of a convolution, <c>col[(c*kH + u)*kW + v, p*oW + q] = x[c, p*sh - pt + u*dh, q*sw - pl + v*dw]</c>
/// (0 outside the input), packed block by block straight into the GEMM's B panels instead of being stored whole: the
/// stored matrix is kH*kW times the input (115 MB for VGG-16's conv1_2) and writing then re-reading it cost about as
/// much as the product. Pads may be negative (the transposed convolution of <see cref="ConvOperator"/> uses that form).
/// </summary>
internal unsafe struct ImplicitColumns
{
    public float* Image; // [channels, InHeight, InWidth]
    public int InHeight, InWidth, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadTop, PadLeft;
    public int DilationHeight, DilationWidth, OutHeight, OutWidth;

    /// <summary>The column source of one sample's channels under <paramref name="s"/>.</summary>
    public static ImplicitColumns Of(in ConvShape s, float* image) => new()
    {
        Image = image, InHeight = s.InHeight, InWidth = s.InWidth, KernelHeight = s.KernelHeight, KernelWidth = s.KernelWidth,
        StrideHeight = s.StrideHeight, StrideWidth = s.StrideWidth, PadTop = s.PadTop, PadLeft = s.PadLeft,
        DilationHeight = s.DilationHeight, DilationWidth = s.DilationWidth, OutHeight = s.OutHeight, OutWidth = s.OutWidth,
    };

    /// <summary>A run of a micro-panel's columns that lie in one output row.</summary>
    struct Segment
    {
        public int Row, Column, Length, Offset;
    }

    /// <summary>Packs rows [pc, pc+kc) and columns [jc, jc+nc) of the column matrix (GEMM <c>PackBFrom</c> callback).</summary>
    [SkipLocalsInit]
    public static void Pack(void* context, int pc, int kc, int jc, int nc, float* dst)
    {
        ref readonly var g = ref *(ImplicitColumns*)context;
        var segments = stackalloc Segment[NR];
        for (int jr = 0; jr < nc; jr += NR, dst += (long)kc * NR)
        {
            int cols = Math.Min(NR, nc - jr), count = 0;
            for (int j = jc + jr, end = j + cols; j < end;)
            {
                int row = j / g.OutWidth, column = j - row * g.OutWidth, length = Math.Min(end - j, g.OutWidth - column);
                segments[count++] = new Segment { Row = row, Column = column, Length = length, Offset = j - jc - jr };
                j += length;
            }
            PackPanel(g, pc, kc, segments, count, cols, dst);
        }
    }

    static void PackPanel(in ImplicitColumns g, int pc, int kc, Segment* segments, int count, int cols, float* dst)
    {
        int area = g.KernelHeight * g.KernelWidth, plane = g.InHeight * g.InWidth;
        int c = pc / area, u = (pc - c * area) / g.KernelWidth, v = pc - c * area - u * g.KernelWidth;
        for (int p = 0; p < kc; p++, dst += NR)
        {
            float* channel = g.Image + (long)c * plane;
            for (int s = 0; s < count; s++)
            {
                ref var seg = ref segments[s];
                float* d = dst + seg.Offset;
                int ih = seg.Row * g.StrideHeight - g.PadTop + u * g.DilationHeight;
                if ((uint)ih >= (uint)g.InHeight)
                {
                    new Span<float>(d, seg.Length).Clear();
                    continue;
                }
                float* row = channel + (long)ih * g.InWidth;
                int iw = seg.Column * g.StrideWidth - g.PadLeft + v * g.DilationWidth;
                if (g.StrideWidth == 1)
                    CopyClipped(row, g.InWidth, iw, seg.Length, d);
                else if (g.StrideWidth == 2 && Avx2.IsSupported)
                    GatherEvenClipped(row, g.InWidth, iw, seg.Length, d);
                else
                    for (int t = 0; t < seg.Length; t++, iw += g.StrideWidth)
                        d[t] = (uint)iw < (uint)g.InWidth ? row[iw] : 0f;
            }
            for (int t = cols; t < NR; t++) dst[t] = 0f;
            if (++v == g.KernelWidth)
            {
                v = 0;
                if (++u == g.KernelHeight) { u = 0; c++; }
            }
        }
    }

    // d[t] = row[iw + 2t] where 0 <= iw + 2t < width, else 0, for t < length (stride-2 convolutions such as ResNet's
    // stem and its downsampling layers): 8 outputs per step from two loads where all 16 inputs lie inside the row.
    static void GatherEvenClipped(float* row, int width, int iw, int length, float* d)
    {
        int t = 0;
        for (; t < length && iw + 2 * t < 0; t++) d[t] = 0f;
        for (; t + 8 <= length && iw + 2 * t + 16 <= width; t += 8)
            Vector256.Store(VectorPairs.Even(Vector256.Load(row + iw + 2 * t), Vector256.Load(row + iw + 2 * t + 8)), d + t);
        for (; t < length; t++)
            d[t] = iw + 2 * t < width ? row[iw + 2 * t] : 0f;
    }

    // d[t] = row[iw + t] where 0 <= iw + t < width, else 0, for t < length; 8 at a time inside the row (rows of 14 or 7
    // outputs split the 16-column panels into short runs).
    static void CopyClipped(float* row, int width, int iw, int length, float* d)
    {
        if (length == NR && iw >= 0 && iw + NR <= width)
        {
            Vector256.Store(Vector256.Load(row + iw), d);
            Vector256.Store(Vector256.Load(row + iw + 8), d + 8);
            return;
        }
        int t0 = Math.Clamp(-iw, 0, length), t1 = Math.Clamp(width - iw, t0, length);
        int t = 0;
        for (; t < t0; t++) d[t] = 0f;
        for (; t + 8 <= t1; t += 8) Vector256.Store(Vector256.Load(row + iw + t), d + t);
        for (; t < t1; t++) d[t] = row[iw + t];
        for (; t < length; t++) d[t] = 0f;
    }
}
