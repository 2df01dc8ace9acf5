namespace PrunedLrp.Layers;

/// <summary>
/// PLRP-M's kept sets of one input tensor as index lists: for each sample n, the ascending flat indices (within the
/// sample) of the entries that survived pruning are <c>Indices[Starts[n]..Starts[n + 1]]</c>. Linear operators use them
/// to work only where the masked input is non-zero (a pruned VGG-16 layer keeps a few hundred of 10^5..10^6 entries).
/// </summary>
internal readonly ref struct KeptEntries
{
    /// <summary>The kept sets of <paramref name="starts"/>.Length - 1 samples.</summary>
    public KeptEntries(ReadOnlySpan<int> indices, ReadOnlySpan<int> starts)
    {
        if (starts.Length < 2)
            throw new ArgumentException("starts needs an entry per sample and one past the last", nameof(starts));
        if (starts[0] != 0 || starts[^1] > indices.Length)
            throw new ArgumentException($"starts run from {starts[0]} to {starts[^1]}; want 0 to at most {indices.Length}", nameof(starts));
        for (int n = 0; n + 1 < starts.Length; n++)
        {
            if (starts[n + 1] < starts[n])
                throw new ArgumentException($"starts decrease at sample {n}", nameof(starts));
            for (int k = starts[n] + 1; k < starts[n + 1]; k++)
            {
                if (indices[k] <= indices[k - 1])
                    throw new ArgumentException($"kept indices of sample {n} are not ascending at position {k - starts[n]}", nameof(indices));
            }
        }
        Indices = indices;
        Starts = starts;
    }

    /// <summary>All samples' kept indices, one sample after another.</summary>
    public ReadOnlySpan<int> Indices { get; }

    /// <summary>Where each sample's indices start, and (last) where the last one ends.</summary>
    public ReadOnlySpan<int> Starts { get; }

    /// <summary>No kept sets given: the operator sees a dense (masked) input.</summary>
    public bool IsEmpty => Starts.IsEmpty;

    /// <summary>Samples described.</summary>
    public int Batch => Starts.IsEmpty ? 0 : Starts.Length - 1;

    /// <summary>Kept indices of sample <paramref name="sample"/>.</summary>
    public ReadOnlySpan<int> Of(int sample) => Indices[Starts[sample]..Starts[sample + 1]];

    /// <summary>The largest kept set of any sample.</summary>
    public int MaxCount
    {
        get
        {
            int max = 0;
            for (int n = 0; n + 1 < Starts.Length; n++)
                max = Math.Max(max, Starts[n + 1] - Starts[n]);
            return max;
        }
    }

    /// <summary>Whether lists are given (false: empty) for a call on <paramref name="batch"/> samples.</summary>
    /// <exception cref="ArgumentException">The lists describe another number of samples.</exception>
    public bool Describes(int batch)
    {
        if (IsEmpty)
            return false;
        if (Batch != batch)
            throw new ArgumentException($"kept entries describe {Batch} samples, the call {batch}");
        return true;
    }

    /// <summary>Sets every entry of <paramref name="values"/> [batch, <paramref name="sampleSize"/>] that is not kept to 0.</summary>
    public void ClearOthers(Span<float> values, int sampleSize)
    {
        for (int n = 0; n < Batch; n++)
        {
            var sample = values.Slice(n * sampleSize, sampleSize);
            int next = 0;
            foreach (int i in Of(n))
            {
                sample[next..i].Clear();
                next = i + 1;
            }
            sample[next..].Clear();
        }
    }
}
