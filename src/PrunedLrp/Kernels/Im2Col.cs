namespace PrunedLrp.Kernels;

/// <summary>
/// Folds the column matrix of a convolution back onto one sample's input channels (col2im), the adjoint of
/// <c>col[(c*kH + u)*kW + v, p*oW + q] = x[c, p*sh - pt + u*dh, q*sw - pl + v*dw]</c> (0 outside the input), so that
/// conv^T = col2im(W^T dy) for strided convolutions. Rows are independent, so callers split them by channel.
/// </summary>
internal static class Im2Col
{
    /// <summary>
    /// Adds to channels [c0, c1) of <paramref name="dx"/> [channels, H, W] the rows of <paramref name="col"/> that read
    /// each input position, for the block of output positions j = p * oW + q in [<paramref name="j0"/>, <paramref name="j1"/>)
    /// that <paramref name="col"/> holds (row stride j1 - j0): the adjoint of the column matrix above, block by block.
    /// </summary>
    public static void Fold(in ConvShape s, ReadOnlySpan<float> col, Span<float> dx, int c0, int c1, int j0, int j1)
    {
        int oW = s.OutWidth, width = j1 - j0;
        for (int c = c0; c < c1; c++)
        for (int u = 0; u < s.KernelHeight; u++)
        for (int v = 0; v < s.KernelWidth; v++)
        {
            var row = col.Slice(((c * s.KernelHeight + u) * s.KernelWidth + v) * width, width);
            int offW = v * s.DilationWidth - s.PadLeft;
            ValidRange(offW, s.StrideWidth, s.InWidth, oW, out int q0, out int q1);
            if (q1 <= q0) continue;
            for (int p = j0 / oW; p < s.OutHeight && p * oW < j1; p++)
            {
                int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                if ((uint)ih >= (uint)s.InHeight) continue;
                int qa = Math.Max(q0, j0 - p * oW), qb = Math.Min(q1, j1 - p * oW);
                if (qa >= qb) continue;
                var src = row.Slice(p * oW + qa - j0, qb - qa);
                var dst = dx.Slice((c * s.InHeight + ih) * s.InWidth, s.InWidth);
                if (s.StrideWidth == 1)
                {
                    var d = dst.Slice(qa + offW, qb - qa);
                    System.Numerics.Tensors.TensorPrimitives.Add(d, src, d);
                }
                else
                {
                    for (int q = qa; q < qb; q++) dst[q * s.StrideWidth + offW] += src[q - qa];
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
