using System.Runtime.CompilerServices;
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
                ClippedRows.Gather(row, g.InWidth, iw, g.StrideWidth, seg.Length, d);
            }
            for (int t = cols; t < NR; t++) dst[t] = 0f;
            if (++v == g.KernelWidth)
            {
                v = 0;
                if (++u == g.KernelHeight) { u = 0; c++; }
            }
        }
    }
}
