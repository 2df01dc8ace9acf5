namespace PrunedLrp.Tests.Kernels;

/// <summary>Plain-loop twin of <see cref="PrunedLrp.Kernels.DenseOperator"/> (the original library loops, in double).</summary>
internal static class ReferenceDense
{
    /// <summary>y[n, j] = sum_i x[n, i] W[j, i] + bias[j].</summary>
    public static double[] Forward(int outF, int inF, float[] w, float[] x, float[] bias, int batch)
    {
        var y = new double[batch * outF];
        for (int n = 0; n < batch; n++)
        for (int j = 0; j < outF; j++)
        {
            double sum = bias.Length == 0 ? 0 : bias[j];
            for (int i = 0; i < inF; i++) sum += (double)x[n * inF + i] * w[j * inF + i];
            y[n * outF + j] = sum;
        }
        return y;
    }

    /// <summary>dx[n, i] = sum_j dy[n, j] W[j, i].</summary>
    public static double[] BackwardData(int outF, int inF, float[] w, float[] dy, int batch)
    {
        var dx = new double[batch * inF];
        for (int n = 0; n < batch; n++)
        for (int i = 0; i < inF; i++)
        {
            double sum = 0;
            for (int j = 0; j < outF; j++) sum += (double)dy[n * outF + j] * w[j * inF + i];
            dx[n * inF + i] = sum;
        }
        return dx;
    }
}
