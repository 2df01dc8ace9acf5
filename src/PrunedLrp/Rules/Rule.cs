using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// An LRP rule for a linear layer (dense or convolution), given by its parameters only. Generic form, with
/// <c>stab(z) = z + eps * sgn(z)</c> and <c>sgn(0) = +1</c>: <c>s_j = R_j / stab(den_j)</c>, <c>c_i = sum_j w'_ij s_j</c>,
/// <c>R_i = x'_i c_i</c>; each rule picks its own modified inputs x', weights w' and denominator (see each type).
/// Rules are immutable values; binding one to a layer prepares its modified weights once.
/// </summary>
public abstract record Rule
{
    private protected Rule()
    {
    }

    /// <summary>Prepares this rule for <paramref name="layer"/>; <paramref name="inputNonNegative"/> lets the step skip
    /// the terms of negative inputs (they are zero after a ReLU).</summary>
    internal abstract IRelevanceStep Bind(LinearLayer layer, bool inputNonNegative);
}
