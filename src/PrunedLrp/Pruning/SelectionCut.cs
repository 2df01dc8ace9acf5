namespace PrunedLrp.Pruning;

/// <summary>
/// Where a selection cuts one sorted order: entries below <see cref="Threshold"/> are on the pruned side, entries above
/// it on the kept side, and of the entries equal to it the first <see cref="Ties"/> by flat index go one way (which way
/// depends on the mode, see <see cref="SelectionSearch"/>). Knowing this pair is enough to mark every entry in one
/// pass over the input, without the sorted order itself.
/// </summary>
/// <param name="Threshold">The value at the cut (a magnitude: positive values, or |r| of negative values).</param>
/// <param name="Ties">How many entries equal to <paramref name="Threshold"/>, lowest flat index first, the mode assigns
/// to the side named by the mode.</param>
internal readonly record struct SelectionCut(float Threshold, int Ties)
{
    /// <summary>Mass mode: the sum (double) of the entries this cut prunes, as the search added them up; the search's
    /// own bookkeeping, so PLRP-λ knows its scales before the marking pass. 0 for top-k cuts.</summary>
    internal double PrunedMass { get; init; }

    /// <summary>Mass mode: nothing kept (no entry exceeds +inf, and no tie among +inf entries survives).</summary>
    internal static SelectionCut PruneAll => new(float.PositiveInfinity, int.MaxValue);

    /// <summary>Top-k mode: nothing kept (no magnitude exceeds +inf, and no tie is kept).</summary>
    internal static SelectionCut KeepNone => new(float.PositiveInfinity, 0);

    /// <summary>Top-k mode: everything kept (every magnitude exceeds -inf).</summary>
    internal static SelectionCut KeepAll => new(float.NegativeInfinity, 0);
}
