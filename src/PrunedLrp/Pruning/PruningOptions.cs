namespace PrunedLrp.Pruning;

/// <summary>
/// Pruned LRP settings. Pruning points are the inputs of dense/conv layers other than the network input, listed from
/// the output towards the input (<see cref="Explainer.PruningPoints"/>); each is pruned per sample over the whole tensor.
/// </summary>
public sealed record PruningOptions
{
    /// <summary>λ or M.</summary>
    public PruneMode Mode { get; init; } = PruneMode.Lambda;

    /// <summary>Sparsity p in [0, 1]: one value for every point, or one per point (output to input, then the input
    /// itself when <see cref="PruneInput"/>). Mass mode prunes up to the share p of each sign's mass.</summary>
    public IReadOnlyList<double> Sparsity { get; init; } = [0.5];

    /// <summary>Sparsity for negative relevance (mass mode); null = the same as <see cref="Sparsity"/>.</summary>
    public double? SparsityNegative { get; init; }

    /// <summary>Mass (default, the paper's) or top-k selection.</summary>
    public SelectMode Select { get; init; } = SelectMode.Mass;

    /// <summary>Top-k: a count (&gt;= 1) or a fraction of the entries (&lt; 1).</summary>
    public double TopK { get; init; } = 0.1;

    /// <summary>Also prune the network input's relevance.</summary>
    public bool PruneInput { get; init; }

    /// <summary>Checks the values; <paramref name="points"/> is the number of pruning points of the model.</summary>
    internal void Validate(int points)
    {
        if (Sparsity.Count != 1 && Sparsity.Count != points)
            throw new ArgumentException($"sparsity: {Sparsity.Count} values given; give one, or one per pruning point ({points})");
        foreach (double p in Sparsity)
            CheckLevel(p, "sparsity");
        if (SparsityNegative is double n)
            CheckLevel(n, "negative sparsity");
        if (Select == SelectMode.TopK && !(TopK > 0 && double.IsFinite(TopK) && (TopK < 1 || TopK == Math.Floor(TopK))))
            throw new ArgumentException($"top-k: {TopK} must be a fraction in (0, 1) or a whole count >= 1");
    }

    static void CheckLevel(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentException($"{name} {p} must be in [0, 1]");
    }
}
