namespace PrunedLrp.Tests.Kernels;

/// <summary>Plain-loop twin of <see cref="PrunedLrp.Kernels.Gemm"/>, accumulating in double.</summary>
internal static class ReferenceGemm
{
    /// <summary>Returns C (+)= op(A) op(B) as doubles, with the same storage conventions as Gemm.Multiply.</summary>
    public static double[] Multiply(bool transA, bool transB, int m, int n, int k,
        float[] a, int lda, float[] b, int ldb, float[] c, int ldc, bool accumulate)
    {
        var result = new double[c.Length];
        for (int i = 0; i < c.Length; i++) result[i] = c[i];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = accumulate ? c[i * ldc + j] : 0;
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[p * lda + i] : a[i * lda + p];
                float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                sum += (double)av * bv;
            }
            result[i * ldc + j] = sum;
        }
        return result;
    }
}
