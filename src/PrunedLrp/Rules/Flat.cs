using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// LRP-flat: every input that feeds output j gets an equal share, <c>R_i = sum_j R_j / stab(n_j)</c> with n_j the number of
/// inputs feeding j (padded positions count as 0; Zennit's form: unit weights, unit inputs, no bias).
/// </summary>
/// <param name="Stabilizer">Added to the denominator (default 1e-6).</param>
public sealed record Flat(float Stabilizer = 1e-6f) : Rule
{
    internal override IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative)
    {
        RuleChecks.NonNegative(Stabilizer, "stabilizer");
        return new SquareFlatStep(layer, squareWeights: false, Stabilizer);
    }
}
