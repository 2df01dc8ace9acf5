namespace PrunedLrp.Metrics;

/// <summary>
/// Relevance mass accuracy (Arras et al. 2022): the share of the positive relevance that falls inside the
/// ground-truth mask, <c>RMA = sum_{i in GT} max(R_i, 0) / sum_i max(R_i, 0)</c>; defined as 0 when no entry is positive.
/// </summary>
public static class RelevanceMassAccuracy
{
    /// <summary>RMA of <paramref name="relevance"/> for the mask <paramref name="groundTruth"/> (same length); allocation-free.</summary>
    public static double Compute(ReadOnlySpan<float> relevance, ReadOnlySpan<bool> groundTruth)
    {
        if (groundTruth.Length != relevance.Length)
            throw new ArgumentException($"mask has {groundTruth.Length} entries, relevance {relevance.Length}", nameof(groundTruth));
        double inside = 0, total = 0;
        for (int i = 0; i < relevance.Length; i++)
        {
            if (relevance[i] > 0)
            {
                total += relevance[i];
                if (groundTruth[i])
                    inside += relevance[i];
            }
        }
        return total == 0 ? 0 : inside / total;
    }
}
