namespace PrunedLrp.Kernels;

/// <summary>
/// Folds the column matrix of a convolution back onto one sample's input channels (col2im), the adjoint of
/// <c>col[(c*kH + u)*kW + v, p*oW + q] = x[c, p*sh - pt + u*dh, q*sw - pl + v*dw]</c> (0 outside the input), so that
/// conv^T = col2im(W^T dy) for strided convolutions. Rows are independent, so callers split them by channel.
/// </summary>
internal static class Im2Col
{
    /// <summary>
    /// Overwrites channels [c0, c1) of <paramref name="dx"/> [channels, H, W] with the sum of the rows of
    /// <paramref name="col"/> that read each input position (the adjoint of the column matrix above).
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
