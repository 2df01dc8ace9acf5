namespace PrunedLrp.Layers;

/// <summary>A linear map with fixed weights: forward <c>y = W x + b</c> and transposed <c>dx = W^T dy</c> over a batch.</summary>
internal interface ILinearOperator
{
    /// <summary>Scratch floats needed for <paramref name="batch"/> samples.</summary>
    int ScratchLength(int batch);

    /// <summary><c>y = W x + bias</c> (no bias when empty); y is overwritten.</summary>
    void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> scratch);

    /// <summary><c>dx = W^T dy</c>; dx is overwritten. A caller that then multiplies dx elementwise by a factor (the layer
    /// input, in the relevance pass) passes it, so that the operator can bound its rounding in those products.</summary>
    void BackwardData(ReadOnlySpan<float> dy, Span<float> dx, int batch, Span<float> scratch, ReadOnlySpan<float> factor = default);
}
