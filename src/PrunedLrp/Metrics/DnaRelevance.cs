namespace PrunedLrp.Metrics;

/// <summary>
/// Reduces channel-first relevance (one-hot DNA: [4, L], order A, C, G, T) to one value per position, as the metrics
/// expect for sequences: <c>dst[p] = sum_c R[c, p]</c>.
/// </summary>
public static class DnaRelevance
{
    /// <summary>Sums <paramref name="relevance"/> [channels, positions] over the channels into <paramref name="perPosition"/> [positions].</summary>
    public static void SumOverChannels(ReadOnlySpan<float> relevance /* [channels, L] */, int channels, Span<float> perPosition /* [L] */)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        int length = perPosition.Length;
        if (relevance.Length != (long)channels * length)
            throw new ArgumentException($"relevance has {relevance.Length} values, want {channels} x {length}", nameof(relevance));
        relevance[..length].CopyTo(perPosition);
        for (int c = 1; c < channels; c++)
        {
            var row = relevance.Slice(c * length, length);
            for (int p = 0; p < length; p++)
                perPosition[p] += row[p];
        }
    }

    /// <summary>Sums one-hot DNA relevance [4, L] over its 4 channels into <paramref name="perPosition"/> [L].</summary>
    public static void SumOverChannels(ReadOnlySpan<float> relevance /* [4, L] */, Span<float> perPosition /* [L] */) =>
        SumOverChannels(relevance, 4, perPosition);
}
