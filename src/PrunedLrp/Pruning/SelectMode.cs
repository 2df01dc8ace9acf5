namespace PrunedLrp.Pruning;

/// <summary>Which entries of a pruning point are kept.</summary>
public enum SelectMode
{
    /// <summary>Per sign, prune the smallest entries while their mass stays within the sparsity share (the paper's).</summary>
    Mass,

    /// <summary>Keep the k entries of largest |r| (ties: lower index first).</summary>
    TopK,
}
