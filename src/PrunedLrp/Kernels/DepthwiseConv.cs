using System.Numerics.Tensors;

namespace PrunedLrp.Kernels;

/// <summary>
/// Direct convolution for groups with one input channel (depthwise, channel multiplier = OutChannels / Groups): as a
/// GEMM each group would be a 1-row product wasting most of the 6-row register tile, so instead every (u, v) tap adds
/// <c>w[o, u, v] * x[c, ih, q*sw + off]</c> to a whole output row at once (a vector multiply-add when sw = 1).
/// </summary>
internal static class DepthwiseConv
{
    /// <summary>y[o] = bias[o] + conv(x[o / mult], W[o]) for output channels [o0, o1) of one sample.</summary>
    public static void Forward(in ConvShape s, ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int o0, int o1)
    {
        int mult = s.OutChannels / s.Groups, oH = s.OutHeight, oW = s.OutWidth, plane = s.InHeight * s.InWidth;
        for (int o = o0; o < o1; o++)
        {
            var yo = y.Slice(o * oH * oW, oH * oW);
            yo.Fill(bias.IsEmpty ? 0f : bias[o]);
            var xc = x.Slice(o / mult * plane, plane);
            for (int u = 0; u < s.KernelHeight; u++)
            for (int v = 0; v < s.KernelWidth; v++)
            {
                float wt = w[(o * s.KernelHeight + u) * s.KernelWidth + v];
                int off = v * s.DilationWidth - s.PadLeft;
                Im2Col.ValidRange(off, s.StrideWidth, s.InWidth, oW, out int q0, out int q1);
                if (q1 <= q0) continue;
                for (int p = 0; p < oH; p++)
                {
                    int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                    if ((uint)ih >= (uint)s.InHeight) continue;
                    var src = xc.Slice(ih * s.InWidth, s.InWidth);
                    var dst = yo.Slice(p * oW + q0, q1 - q0);
                    if (s.StrideWidth == 1)
                        TensorPrimitives.MultiplyAdd(src.Slice(q0 + off, q1 - q0), wt, dst, dst);
                    else
                        for (int q = q0; q < q1; q++) dst[q - q0] += wt * src[q * s.StrideWidth + off];
                }
            }
        }
    }

    /// <summary>Overwrites input channels [c0, c1) of dx with conv^T(dy) (the adjoint of <see cref="Forward"/> without bias).</summary>
    public static void Backward(in ConvShape s, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, int c0, int c1)
    {
        int mult = s.OutChannels / s.Groups, oH = s.OutHeight, oW = s.OutWidth, plane = s.InHeight * s.InWidth;
        dx.Slice(c0 * plane, (c1 - c0) * plane).Clear();
        for (int o = c0 * mult; o < c1 * mult; o++)
        {
            var dyo = dy.Slice(o * oH * oW, oH * oW);
            var dxc = dx.Slice(o / mult * plane, plane);
            for (int u = 0; u < s.KernelHeight; u++)
            for (int v = 0; v < s.KernelWidth; v++)
            {
                float wt = w[(o * s.KernelHeight + u) * s.KernelWidth + v];
                int off = v * s.DilationWidth - s.PadLeft;
                Im2Col.ValidRange(off, s.StrideWidth, s.InWidth, oW, out int q0, out int q1);
                if (q1 <= q0) continue;
                for (int p = 0; p < oH; p++)
                {
                    int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                    if ((uint)ih >= (uint)s.InHeight) continue;
                    var src = dyo.Slice(p * oW + q0, q1 - q0);
                    var dst = dxc.Slice(ih * s.InWidth, s.InWidth);
                    if (s.StrideWidth == 1)
                    {
                        var d = dst.Slice(q0 + off, q1 - q0);
                        TensorPrimitives.MultiplyAdd(src, wt, d, d);
                    }
                    else
                    {
                        for (int q = q0; q < q1; q++) dst[q * s.StrideWidth + off] += wt * src[q - q0];
                    }
                }
            }
        }
    }
}
