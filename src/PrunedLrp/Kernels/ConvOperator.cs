namespace PrunedLrp.Kernels;

/// <summary>
/// A convolution with one fixed weight tensor W [outC, inC / groups, kH, kW], prepared once and shared by threads:
/// <c>y[n, o, p, q] = b[o] + sum_{c in group(o), u, v} x[n, c, p*sh - pt + u*dh, q*sw - pl + v*dw] W[o, c', u, v]</c>
/// (zero outside the input) and its transpose, the gradient with respect to the input.
/// </summary>
public sealed class ConvOperator
{
    readonly ReadOnlyMemory<float> _weight;

    /// <summary>Prepares the convolution <paramref name="shape"/> with <paramref name="weight"/>.</summary>
    public ConvOperator(in ConvShape shape, ReadOnlyMemory<float> weight)
    {
        if (weight.Length != shape.WeightSize)
            throw new ArgumentException($"weight has {weight.Length} values, the shape needs {shape.WeightSize}", nameof(weight));
        Shape = shape;
        _weight = weight;
    }

    /// <summary>The geometry.</summary>
    public ConvShape Shape { get; }

    /// <summary>Scratch floats that <see cref="Forward"/> and <see cref="BackwardData"/> need for <paramref name="batch"/> samples.</summary>
    public int ScratchLength(int batch) => 0;

    /// <summary>y = conv(x, W) + bias (no bias term when <paramref name="bias"/> is empty).</summary>
    public void Forward(ReadOnlySpan<float> x /* [batch, inC, H, W] */, ReadOnlySpan<float> bias, Span<float> y /* [batch, outC, oH, oW] */, int batch, Span<float> scratch)
    {
        var s = Shape;
        var w = _weight.Span;
        int cinG = s.InChannels / s.Groups, coutG = s.OutChannels / s.Groups;
        for (int n = 0; n < batch; n++)
        for (int o = 0; o < s.OutChannels; o++)
        {
            int g = o / coutG;
            for (int p = 0; p < s.OutHeight; p++)
            for (int q = 0; q < s.OutWidth; q++)
            {
                float sum = bias.IsEmpty ? 0f : bias[o];
                for (int c = 0; c < cinG; c++)
                for (int u = 0; u < s.KernelHeight; u++)
                {
                    int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                    if ((uint)ih >= (uint)s.InHeight) continue;
                    for (int v = 0; v < s.KernelWidth; v++)
                    {
                        int iw = q * s.StrideWidth - s.PadLeft + v * s.DilationWidth;
                        if ((uint)iw >= (uint)s.InWidth) continue;
                        sum += x[n * s.InSize + ((g * cinG + c) * s.InHeight + ih) * s.InWidth + iw]
                             * w[((o * cinG + c) * s.KernelHeight + u) * s.KernelWidth + v];
                    }
                }
                y[n * s.OutSize + (o * s.OutHeight + p) * s.OutWidth + q] = sum;
            }
        }
    }

    /// <summary>dx = conv_transpose(dy, W): <c>dx[n, c, i, k] = sum over (o, p, q, u, v) that read (i, k) of dy[n, o, p, q] W[o, c', u, v]</c>.</summary>
    public void BackwardData(ReadOnlySpan<float> dy /* [batch, outC, oH, oW] */, Span<float> dx /* [batch, inC, H, W] */, int batch, Span<float> scratch)
    {
        var s = Shape;
        var w = _weight.Span;
        int cinG = s.InChannels / s.Groups, coutG = s.OutChannels / s.Groups;
        dx[..(batch * s.InSize)].Clear();
        for (int n = 0; n < batch; n++)
        for (int o = 0; o < s.OutChannels; o++)
        {
            int g = o / coutG;
            for (int p = 0; p < s.OutHeight; p++)
            for (int q = 0; q < s.OutWidth; q++)
            {
                float d = dy[n * s.OutSize + (o * s.OutHeight + p) * s.OutWidth + q];
                for (int c = 0; c < cinG; c++)
                for (int u = 0; u < s.KernelHeight; u++)
                {
                    int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                    if ((uint)ih >= (uint)s.InHeight) continue;
                    for (int v = 0; v < s.KernelWidth; v++)
                    {
                        int iw = q * s.StrideWidth - s.PadLeft + v * s.DilationWidth;
                        if ((uint)iw >= (uint)s.InWidth) continue;
                        dx[n * s.InSize + ((g * cinG + c) * s.InHeight + ih) * s.InWidth + iw]
                            += d * w[((o * cinG + c) * s.KernelHeight + u) * s.KernelWidth + v];
                    }
                }
            }
        }
    }
}
