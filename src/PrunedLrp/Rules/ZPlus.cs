using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// LRP-z+ (alpha1-beta0 with the input sign split, as Zennit): numerator <c>x+ w+ + x- w-</c>, denominator
/// <c>zp_j = sum_i (x+_i w+_ij + x-_i w-_ij) + b+_j</c>, so <c>R_i = x+_i sum_j w+_ij R_j / stab(zp_j) + x-_i sum_j w-_ij R_j / stab(zp_j)</c>.
/// </summary>
/// <param name="Stabilizer">Added to the denominator with its sign (default 1e-6).</param>
public sealed record ZPlus(float Stabilizer = 1e-6f) : Rule
{
    internal override IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative)
    {
        RuleChecks.NonNegative(Stabilizer, "stabilizer");
        return new AlphaBetaStep(layer, 1f, 0f, Stabilizer, inputNonNegative);
    }
}
