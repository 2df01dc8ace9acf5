using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// LRP-epsilon: <c>R_i = x_i * sum_j w_ij R_j / stab(z_j)</c>, <c>z_j = sum_i x_i w_ij + b_j</c>, <c>stab(z) = z + eps sgn(z)</c>.
/// The bias absorbs relevance, so <c>sum_i R_i != sum_j R_j</c> when b != 0. <c>Epsilon(0)</c> is LRP-0.
/// </summary>
/// <param name="Value">The epsilon added to the denominator (Zennit's default 1e-6); must be finite and &gt;= 0.</param>
public sealed record Epsilon(float Value = 1e-6f) : Rule
{
    internal override IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative)
    {
        RuleChecks.NonNegative(Value, "epsilon");
        return new EpsilonStep(layer, Value);
    }
}
