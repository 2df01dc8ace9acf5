using System.Buffers;

namespace PrunedLrp.Metrics;

/// <summary>
/// Sparseness of a relevance map as the Gini index (Hurley and Rickard 2009; Quantus' <c>Sparseness</c>, without its
/// 1e-7 offset): with <c>a</c> = |R| sorted ascending and n entries,
/// <c>G = sum_{i=1..n} (2i - n - 1) a_i / (n sum_i a_i)</c>.
/// G = 0 for a uniform |R|, (n-1)/n for a single non-zero entry; defined as 0 when all entries are zero or n = 0.
/// </summary>
public static class Gini
{
    /// <summary>The Gini index of <paramref name="relevance"/>, using <paramref name="scratch"/> (at least n floats) to sort |R|.</summary>
    public static double Compute(ReadOnlySpan<float> relevance, Span<float> scratch)
    {
        int n = relevance.Length;
        if (scratch.Length < n)
            throw new ArgumentException($"scratch has {scratch.Length} entries, want at least {n}", nameof(scratch));
        var a = scratch[..n];
        for (int i = 0; i < n; i++)
            a[i] = MathF.Abs(relevance[i]);
        a.Sort();
        double weighted = 0, sum = 0;
        for (int i = 0; i < n; i++)
        {
            weighted += (2.0 * (i + 1) - n - 1) * a[i];
            sum += a[i];
        }
        return sum == 0 ? 0 : weighted / (n * sum);
    }

    /// <summary>The Gini index of <paramref name="relevance"/>; the sort buffer comes from the shared array pool.</summary>
    public static double Compute(ReadOnlySpan<float> relevance)
    {
        var rented = ArrayPool<float>.Shared.Rent(relevance.Length);
        try
        {
            return Compute(relevance, rented);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
