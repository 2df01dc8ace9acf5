namespace PrunedLrp.Pruning;

/// <summary>How Pruned LRP gives the pruned relevance back to what is kept.</summary>
public enum PruneMode
{
    /// <summary>Plain LRP, nothing pruned.</summary>
    None,

    /// <summary>PLRP-λ: kept entries of each sign are scaled by λ± = (mass of that sign) / (kept mass of that sign).</summary>
    Lambda,

    /// <summary>PLRP-M: every reader of the pruning point re-runs its rule with the input-side quantities zeroed outside
    /// the kept set, so each upper neuron's relevance is shared among the kept neurons only.</summary>
    M,
}
