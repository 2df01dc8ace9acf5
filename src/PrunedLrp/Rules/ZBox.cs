using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// LRP-z^B for inputs bounded in [low, high] (scalars, or one value per input channel):
/// <c>den_j = sum_i (x_i w_ij - low_i w+_ij - high_i w-_ij)</c> (the bias cancels),
/// <c>R_i = x_i (W s)_i - low_i (W+ s)_i - high_i (W- s)_i</c> with <c>s = R / stab(den)</c>.
/// </summary>
/// <param name="Low">Lowest input value: one value, or one per input channel.</param>
/// <param name="High">Highest input value: one value, or one per input channel.</param>
/// <param name="Stabilizer">Added to the denominator with its sign (default 1e-6).</param>
public sealed record ZBox(float[] Low, float[] High, float Stabilizer = 1e-6f) : Rule
{
    /// <summary>Scalar bounds.</summary>
    public ZBox(float low, float high) : this([low], [high])
    {
    }

    internal override IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative)
    {
        RuleChecks.NonNegative(Stabilizer, "stabilizer");
        return new ZBoxStep(layer, Low, High, Stabilizer);
    }
}
