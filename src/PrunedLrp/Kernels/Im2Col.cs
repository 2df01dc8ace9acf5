namespace PrunedLrp.Kernels;

/// <summary>
/// Unfolds one sample's input channels into the column matrix of a convolution and folds it back:
/// <c>col[(c*kH + u)*kW + v, p*oW + q] = x[c, p*sh - pt + u*dh, q*sw - pl + v*dw]</c> (0 outside the input), so that
/// conv = W[outC, cin*kH*kW] col and conv^T = col2im(W^T dy). Rows are independent, so callers split them by channel.
/// </summary>
internal static class Im2Col
{
    /// <summary>Fills the rows of channels [c0, c1) of <paramref name="col"/> from <paramref name="x"/> [channels, H, W].</summary>
    public static void Unfold(in ConvShape s, ReadOnlySpan<float> x, Span<float> col, int c0, int c1)
    {
        int oH = s.OutHeight, oW = s.OutWidth, n = oH * oW;
        for (int c = c0; c < c1; c++)
        for (int u = 0; u < s.KernelHeight; u++)
        for (int v = 0; v < s.KernelWidth; v++)
        {
            var row = col.Slice(((c * s.KernelHeight + u) * s.KernelWidth + v) * n, n);
            int offW = v * s.DilationWidth - s.PadLeft;
            ValidRange(offW, s.StrideWidth, s.InWidth, oW, out int q0, out int q1);
            for (int p = 0; p < oH; p++)
            {
                var dst = row.Slice(p * oW, oW);
                int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                if ((uint)ih >= (uint)s.InHeight)
                {
                    dst.Clear();
                    continue;
                }
                var src = x.Slice((c * s.InHeight + ih) * s.InWidth, s.InWidth);
                dst[..q0].Clear();
                if (s.StrideWidth == 1)
                {
                    if (q1 > q0) src.Slice(q0 + offW, q1 - q0).CopyTo(dst[q0..q1]);
                }
                else
                {
                    for (int q = q0; q < q1; q++) dst[q] = src[q * s.StrideWidth + offW];
                }
                dst[q1..].Clear();
            }
        }
    }

    /// <summary>
    /// Overwrites channels [c0, c1) of <paramref name="dx"/> [channels, H, W] with the sum of the rows of
    /// <paramref name="col"/> that read each input position (the adjoint of <see cref="Unfold"/>).
    /// </summary>
    public static void Fold(in ConvShape s, ReadOnlySpan<float> col, Span<float> dx, int c0, int c1)
    {
        int oH = s.OutHeight, oW = s.OutWidth, n = oH * oW, plane = s.InHeight * s.InWidth;
        dx.Slice(c0 * plane, (c1 - c0) * plane).Clear();
        for (int c = c0; c < c1; c++)
        for (int u = 0; u < s.KernelHeight; u++)
        for (int v = 0; v < s.KernelWidth; v++)
        {
            var row = col.Slice(((c * s.KernelHeight + u) * s.KernelWidth + v) * n, n);
            int offW = v * s.DilationWidth - s.PadLeft;
            ValidRange(offW, s.StrideWidth, s.InWidth, oW, out int q0, out int q1);
            if (q1 <= q0) continue;
            for (int p = 0; p < oH; p++)
            {
                int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                if ((uint)ih >= (uint)s.InHeight) continue;
                var src = row.Slice(p * oW, oW);
                var dst = dx.Slice((c * s.InHeight + ih) * s.InWidth, s.InWidth);
                if (s.StrideWidth == 1)
                {
                    var d = dst.Slice(q0 + offW, q1 - q0);
                    System.Numerics.Tensors.TensorPrimitives.Add(d, src[q0..q1], d);
                }
                else
                {
                    for (int q = q0; q < q1; q++) dst[q * s.StrideWidth + offW] += src[q];
                }
            }
        }
    }

    // The output columns q in [q0, q1) whose input column q*stride + off lies in [0, width).
    internal static void ValidRange(int off, int stride, int width, int outWidth, out int q0, out int q1)
    {
        q0 = off >= 0 ? 0 : (-off + stride - 1) / stride;
        q1 = width - off <= 0 ? 0 : (width - off + stride - 1) / stride;
        q0 = Math.Min(q0, outWidth);
        q1 = Math.Clamp(q1, q0, outWidth);
    }
}
