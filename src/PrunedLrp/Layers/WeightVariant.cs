namespace PrunedLrp.Layers;

/// <summary>The modified weights that LRP rules use; each is computed once per layer (and gamma) and cached.</summary>
internal enum WeightVariant
{
    /// <summary>w</summary>
    Original,

    /// <summary>w+ = max(w, 0)</summary>
    Positive,

    /// <summary>w- = min(w, 0)</summary>
    Negative,

    /// <summary>w + gamma w+</summary>
    GammaPositive,

    /// <summary>w + gamma w-</summary>
    GammaNegative,

    /// <summary>all ones (Flat); the bias of this variant is zero</summary>
    Ones,

    /// <summary>w^2 (WSquare); the bias of this variant is b^2</summary>
    Square,
}
