using System.Buffers;

namespace PrunedLrp.Metrics;

/// <summary>
/// Relevance rank accuracy (Arras et al. 2022): with K = |GT|, the share of the K entries of largest R (signed value,
/// not magnitude) that lie in the ground-truth mask: <c>|top_K(R) ∩ GT| / K</c>. Ties at the cut are broken by lower
/// index first, so the result is deterministic. Defined as 0 when the mask is empty.
/// </summary>
public static class RelevanceRankAccuracy
{
    /// <summary>Rank accuracy using <paramref name="scratch"/> (at least n entries) for the ordering; allocation-free.</summary>
    public static double Compute(ReadOnlySpan<float> relevance, ReadOnlySpan<bool> groundTruth, Span<ulong> scratch)
    {
        int n = relevance.Length;
        if (groundTruth.Length != n)
            throw new ArgumentException($"mask has {groundTruth.Length} entries, relevance {n}", nameof(groundTruth));
        if (scratch.Length < n)
            throw new ArgumentException($"scratch has {scratch.Length} entries, want at least {n}", nameof(scratch));
        int k = 0;
        foreach (bool g in groundTruth)
            if (g) k++;
        if (k == 0)
            return 0;
        var keys = scratch[..n];
        DescendingOrder.Sort(relevance, keys);
        int hits = 0;
        for (int r = 0; r < k; r++)
            if (groundTruth[DescendingOrder.Index(keys[r])])
                hits++;
        return (double)hits / k;
    }

    /// <summary>Rank accuracy; the ordering buffer comes from the shared array pool.</summary>
    public static double Compute(ReadOnlySpan<float> relevance, ReadOnlySpan<bool> groundTruth)
    {
        var rented = ArrayPool<ulong>.Shared.Rent(relevance.Length);
        try
        {
            return Compute(relevance, groundTruth, rented);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }
}
