namespace PrunedLrp;

/// <summary>What a model keeps besides its weights so that its products run fast (<see cref="ModelOptions.Memory"/>).</summary>
public enum MemoryMode
{
    /// <summary>
    /// Each convolution prepares, at its first call in each direction, the forms its products read fastest and keeps
    /// them: packed panels, Winograd-transformed kernels (16/9 to 4x the weights) and, for the LRP rules, the modified
    /// weights (W+, W + gamma W+) in both directions. Fastest; explaining then holds about 2-4x the convolutions' weights
    /// on top of the model.
    /// </summary>
    Fast,

    /// <summary>
    /// Nothing is kept beyond the model's weights: every convolution product packs the blocks it reads from them as it
    /// runs, modifying them for the rule on the fly, and runs the direct sum; a 3x3 convolution's forward with at
    /// least 400 output positions (20x20) runs Winograd's F(4x4, 3x3) with its kernels transformed into the scratch at
    /// each call (at most 16 MB of them at once). Peak memory stays near the weights plus the activations; explaining is slower (see the
    /// README's performance table). Dense layers read
    /// their weights in place in both modes; a rule that modifies a dense layer's weights (Flat on a first dense
    /// layer) still keeps that layer's modified copy.
    /// </summary>
    Lean,
}
