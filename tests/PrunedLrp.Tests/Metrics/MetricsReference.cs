namespace PrunedLrp.Tests.Metrics;

/// <summary>Plain, independent formulations of the metrics (no sorting tricks shared with the library).</summary>
internal static class MetricsReference
{
    /// <summary>Gini as the mean absolute difference: sum_{i,j} |a_i - a_j| / (2 n sum a), equal to the
    /// sorted-rank formula of Hurley and Rickard.</summary>
    public static double RefGini(float[] r)
    {
        int n = r.Length;
        double sum = r.Sum(v => Math.Abs((double)v));
        if (sum == 0) return 0;
        double diff = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                diff += Math.Abs(Math.Abs((double)r[i]) - Math.Abs((double)r[j]));
        return diff / (2.0 * n * sum);
    }

    public static double RefEntropy(float[] r)
    {
        double sum = r.Sum(v => Math.Abs((double)v));
        if (sum == 0) return 0;
        return -r.Select(v => Math.Abs((double)v) / sum).Where(p => p > 0).Sum(p => p * Math.Log(p));
    }

    public static double RefRma(float[] r, bool[] gt)
    {
        double total = r.Where(v => v > 0).Sum(v => (double)v);
        double inside = r.Where((v, i) => v > 0 && gt[i]).Sum(v => (double)v);
        return total == 0 ? 0 : inside / total;
    }

    public static double RefRankAccuracy(float[] r, bool[] gt)
    {
        int k = gt.Count(g => g);
        if (k == 0) return 0;
        var top = Enumerable.Range(0, r.Length).OrderByDescending(i => r[i]).ThenBy(i => i).Take(k);
        return top.Count(i => gt[i]) / (double)k;
    }

    /// <summary>MoRF curve with explicit loops: order features with LINQ, rebuild the perturbed input from scratch
    /// at every step.</summary>
    public static float[] RefMorfCurve(float[] x, float[] r, float[] baseline, int channels, int perStep, int steps, Func<float[], float> f)
    {
        int positions = x.Length / channels;
        var featureR = new float[positions];
        for (int p = 0; p < positions; p++)
        {
            float s = 0;
            for (int c = 0; c < channels; c++) s += r[c * positions + p];
            featureR[p] = s;
        }
        var order = Enumerable.Range(0, positions).OrderByDescending(p => featureR[p]).ThenBy(p => p).ToArray();
        var curve = new float[steps + 1];
        for (int k = 0; k <= steps; k++)
        {
            var xk = (float[])x.Clone();
            foreach (int p in order.Take(Math.Min(positions, k * perStep)))
                for (int c = 0; c < channels; c++)
                    xk[c * positions + p] = baseline[c * positions + p];
            curve[k] = f(xk);
        }
        return curve;
    }

    public static float[] RandomSigned(Random rng, int n, double zeroShare = 0.1)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
            v[i] = rng.NextDouble() < zeroShare ? 0f : (float)(rng.NextDouble() * 2 - 1);
        return v;
    }

    public static void AssertClose(double expected, double actual, double rel = 1e-9)
    {
        double tol = rel * Math.Max(1, Math.Abs(expected));
        Xunit.Assert.True(Math.Abs(expected - actual) <= tol, $"expected {expected}, got {actual}");
    }
}
