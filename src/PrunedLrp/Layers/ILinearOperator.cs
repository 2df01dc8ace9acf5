namespace PrunedLrp.Layers;

/// <summary>A linear map with fixed weights: forward <c>y = W x + b</c> and transposed <c>dx = W^T dy</c> over a batch.</summary>
internal interface ILinearOperator
{
    /// <summary>Scratch floats needed for <paramref name="batch"/> samples.</summary>
    int ScratchLength(int batch);

    /// <summary>Scratch floats that the products with kept entries (PLRP-M) may need beyond <see cref="ScratchLength"/>.</summary>
    int KeptScratchLength => 0;

    /// <summary><c>y = W x + bias</c> (no bias when empty); y is overwritten. With <paramref name="kept"/> given, x is zero
    /// outside those entries (PLRP-M's masked input), and the operator may read only them.</summary>
    void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> scratch, KeptEntries kept = default);

    /// <summary><c>dx = W^T dy</c>; dx is overwritten. A caller that then multiplies dx elementwise by a factor (the layer
    /// input, in the relevance pass) passes it, so that the operator can bound its rounding in those products. With
    /// <paramref name="kept"/> given, only the kept entries of dx are computed and every other entry is set to 0.</summary>
    void BackwardData(ReadOnlySpan<float> dy, Span<float> dx, int batch, Span<float> scratch, ReadOnlySpan<float> factor = default,
        KeptEntries kept = default);

    /// <summary>The most listed outputs per sample for which <see cref="ForwardAt"/> and <see cref="BackwardDataListed"/>
    /// beat the dense products (PLRP-λ's pruned relevance); 0 when the operator has no listed products.</summary>
    int ListedOutputLimit => 0;

    /// <summary>One sample's <c>z = W x + bias</c> at the listed <paramref name="outputs"/> only: z[k] at outputs[k].</summary>
    void ForwardAt(ReadOnlySpan<float> x, ReadOnlySpan<int> outputs, ReadOnlySpan<float> bias, Span<float> z)
        => throw new NotSupportedException("this operator has no listed-output products");

    /// <summary>One sample's <c>dx = W^T dy</c> for dy zero outside the listed <paramref name="outputs"/>, given as its
    /// values there (dy[k] at outputs[k]); dx is overwritten.</summary>
    void BackwardDataListed(ReadOnlySpan<int> outputs, ReadOnlySpan<float> dy, Span<float> dx)
        => throw new NotSupportedException("this operator has no listed-output products");
}
