namespace PrunedLrp.Pruning;

/// <summary>What pruning did at one pruning point for one sample.</summary>
/// <param name="Node">Node id whose output is the pruning point.</param>
/// <param name="Sample">Sample index in the batch.</param>
/// <param name="Entries">Entries of the tensor (per sample).</param>
/// <param name="Kept">Entries kept (non-zero after pruning).</param>
/// <param name="PositiveMass">Sum of the positive entries before pruning.</param>
/// <param name="NegativeMass">Sum of the negative entries before pruning (&lt;= 0).</param>
/// <param name="PrunedPositiveMass">Positive mass of the pruned entries.</param>
/// <param name="PrunedNegativeMass">Negative mass of the pruned entries (&lt;= 0).</param>
/// <param name="LambdaPositive">λ+ = positive mass / kept positive mass (PLRP-λ; 1 for PLRP-M).</param>
/// <param name="LambdaNegative">λ- likewise.</param>
/// <param name="SumBefore">sum(r) before pruning.</param>
/// <param name="SumAfter">sum(r) after pruning (PLRP-M: after the masked re-run).</param>
public readonly record struct PruningPointReport(
    int Node, int Sample, int Entries, int Kept,
    double PositiveMass, double NegativeMass, double PrunedPositiveMass, double PrunedNegativeMass,
    double LambdaPositive, double LambdaNegative, double SumBefore, double SumAfter)
{
    /// <summary>sum after - sum before: 0 up to rounding for PLRP-λ; for PLRP-M that of the base rule.</summary>
    public double ConservationError => SumAfter - SumBefore;
}
