using PrunedLrp.Kernels;

namespace PrunedLrp.Tests.Kernels;

/// <summary>Plain-loop twin of <see cref="ConvOperator"/> (the original library loops, accumulating in double).</summary>
internal static class ReferenceConv
{
    /// <summary>y = conv(x, W) + bias.</summary>
    public static double[] Forward(in ConvShape s, float[] w, float[] x, float[] bias, int batch)
    {
        var y = new double[batch * s.OutSize];
        int cinG = s.InChannels / s.Groups, coutG = s.OutChannels / s.Groups;
        for (int n = 0; n < batch; n++)
        for (int o = 0; o < s.OutChannels; o++)
        {
            int g = o / coutG;
            for (int p = 0; p < s.OutHeight; p++)
            for (int q = 0; q < s.OutWidth; q++)
            {
                double sum = bias.Length == 0 ? 0 : bias[o];
                for (int c = 0; c < cinG; c++)
                for (int u = 0; u < s.KernelHeight; u++)
                {
                    int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
                    if ((uint)ih >= (uint)s.InHeight) continue;
                    for (int v = 0; v < s.KernelWidth; v++)
                    {
                        int iw = q * s.StrideWidth - s.PadLeft + v * s.DilationWidth;
                        if ((uint)iw >= (uint)s.InWidth) continue;
                        sum += (double)x[n * s.InSize + ((g * cinG + c) * s.InHeight + ih) * s.InWidth + iw]
                             * w[((o * cinG + c) * s.KernelHeight + u) * s.KernelWidth + v];
                    }
                }
                y[n * s.OutSize + (o * s.OutHeight + p) * s.OutWidth + q] = sum;
            }
        }
        return y;
    }

    /// <summary>dx = conv_transpose(dy, W).</summary>
    public static double[] BackwardData(in ConvShape s, float[] w, float[] dy, int batch)
    {
        var dx = new double[batch * s.InSize];
        int cinG = s.InChannels / s.Groups, coutG = s.OutChannels / s.Groups;
        for (int n = 0; n < batch; n++)
        for (int o = 0; o < s.OutChannels; o++)
        {
            int g = o / coutG;
            for (int p = 0; p < s.OutHeight; p++)
            for (int q = 0; q < s.OutWidth; q++)
            {
                double d = dy[n * s.OutSize + (o * s.OutHeight + p) * s.OutWidth + q];
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
        return dx;
    }
}
