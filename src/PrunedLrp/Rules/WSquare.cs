using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// LRP-w^2: <c>R_i = sum_j w_ij^2 R_j / stab(sum_i w_ij^2 + b_j^2)</c> (Zennit squares the bias too); independent of x.
/// </summary>
/// <param name="Stabilizer">Added to the denominator (default 1e-6).</param>
public sealed record WSquare(float Stabilizer = 1e-6f) : Rule
{
    internal override IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative)
    {
        RuleChecks.NonNegative(Stabilizer, "stabilizer");
        return new SquareFlatStep(layer, squareWeights: true, Stabilizer);
    }
}
