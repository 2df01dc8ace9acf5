using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// LRP-alpha-beta (Zennit's sign-split form), alpha - beta = 1: with <c>zp_j = sum_i (x+ w+ + x- w-) + b+_j</c> and
/// <c>zn_j = sum_i (x+ w- + x- w+) + b-_j</c>,
/// <c>R_i = sum_j [alpha (x+_i w+_ij + x-_i w-_ij) / stab(zp_j) - beta (x+_i w-_ij + x-_i w+_ij) / stab(zn_j)] R_j</c>.
/// </summary>
/// <param name="Alpha">Weight of the positive contributions (&gt;= 0).</param>
/// <param name="Beta">Weight of the negative contributions (&gt;= 0, alpha - beta = 1).</param>
/// <param name="Stabilizer">Added to the denominators with their sign (default 1e-6).</param>
public sealed record AlphaBeta(float Alpha = 2f, float Beta = 1f, float Stabilizer = 1e-6f) : Rule
{
    internal override IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative)
    {
        RuleChecks.NonNegative(Alpha, "alpha");
        RuleChecks.NonNegative(Beta, "beta");
        RuleChecks.NonNegative(Stabilizer, "stabilizer");
        if (Alpha - Beta != 1f)
            throw new ArgumentException($"AlphaBeta: alpha - beta must be 1 (got alpha {Alpha}, beta {Beta})");
        return new AlphaBetaStep(layer, Alpha, Beta, Stabilizer, inputNonNegative);
    }
}
