using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// Zennit's generalized LRP-gamma. With <c>wp = w + gamma w+</c> and <c>wn = w + gamma w-</c>: outputs with
/// <c>z_j &gt; 0</c> (z the plain layer output) share <c>R_j</c> in proportion to <c>x+ wp + x- wn</c> over the denominator
/// <c>sum_i (x+ wp + x- wn) + b_j + gamma b+_j</c>; outputs with <c>z_j &lt; 0</c> in proportion to <c>x+ wn + x- wp</c> over
/// <c>sum_i (x+ wn + x- wp) + b_j + gamma b-_j</c>; <c>z_j = 0</c> passes nothing.
/// </summary>
/// <param name="Value">gamma (Zennit's default 0.25), &gt;= 0.</param>
/// <param name="Stabilizer">Added to the denominators with their sign (default 1e-6).</param>
public sealed record Gamma(float Value = 0.25f, float Stabilizer = 1e-6f) : Rule
{
    internal override IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative)
    {
        RuleChecks.NonNegative(Value, "gamma");
        RuleChecks.NonNegative(Stabilizer, "stabilizer");
        return new GammaStep(layer, Value, Stabilizer, inputNonNegative);
    }
}
