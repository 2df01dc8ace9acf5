namespace PrunedLrp.Metrics;

/// <summary>
/// Complexity of a relevance map as the Shannon entropy of its normalised magnitudes (Quantus' <c>Complexity</c>):
/// <c>p_i = |R_i| / sum_j |R_j|</c>, <c>H = -sum_i p_i ln p_i</c> (natural log, 0 ln 0 = 0).
/// H = 0 for a single non-zero entry, ln n for a uniform |R|; defined as 0 when all entries are zero.
/// </summary>
public static class Entropy
{
    /// <summary>The entropy (in nats) of <paramref name="relevance"/>; allocation-free.</summary>
    public static double Compute(ReadOnlySpan<float> relevance)
    {
        double sum = 0;
        foreach (float r in relevance)
            sum += Math.Abs(r);
        if (sum == 0)
            return 0;
        double h = 0;
        foreach (float r in relevance)
        {
            double p = Math.Abs(r) / sum;
            if (p > 0)
                h -= p * Math.Log(p);
        }
        return h;
    }
}
