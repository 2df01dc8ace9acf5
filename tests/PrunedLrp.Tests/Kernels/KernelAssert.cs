using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>Seeded random data and the relative comparison shared by the kernel tests.</summary>
internal static class KernelAssert
{
    /// <summary>Uniform values in [-1, 1).</summary>
    public static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>
    /// Asserts |actual - expected| &lt;= 1e-5 sqrt(k) (|expected| + rms(expected) + 1e-30) element-wise: float sums of
    /// k random terms drift like sqrt(k) ulps, an indexing bug is off by O(1) of the rms.
    /// </summary>
    public static void Close(double[] expected, ReadOnlySpan<float> actual, int k, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} < {expected.Length} values");
        double ss = 0;
        foreach (var e in expected) ss += e * e;
        double rms = expected.Length == 0 ? 0 : Math.Sqrt(ss / expected.Length);
        double tol = 1e-5 * Math.Sqrt(Math.Max(k, 1));
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            if (!(err <= tol * (Math.Abs(expected[i]) + rms + 1e-30)))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (rms {rms:G3}, tol {tol:G3})");
        }
    }
}
