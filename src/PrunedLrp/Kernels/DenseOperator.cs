namespace PrunedLrp.Kernels;

/// <summary>
/// A dense (fully connected) product with one fixed weight matrix W [out, in], prepared once and shared by threads:
/// <c>y[n, j] = sum_i x[n, i] W[j, i] + b[j]</c> and its transpose <c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>.
/// </summary>
/// <remarks>
/// W^T and W are each packed once as the right operand of <see cref="Gemm"/> (twice the weight memory), so a batch of
/// one streams the packed weights once, on both cores, without re-packing.
/// </remarks>
public sealed class DenseOperator
{
    readonly PackedMatrix _forward;  // W^T [in, out]
    readonly PackedMatrix _backward; // W [out, in]

    /// <summary>Prepares the product for weight <paramref name="weight"/> [out, in] (row-major).</summary>
    public DenseOperator(int outFeatures, int inFeatures, ReadOnlyMemory<float> weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        if (weight.Length != (long)outFeatures * inFeatures)
            throw new ArgumentException($"weight has {weight.Length} values, want {outFeatures}x{inFeatures}", nameof(weight));
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
        _forward = PackedMatrix.PackRight(true, inFeatures, outFeatures, weight.Span, inFeatures);
        _backward = PackedMatrix.PackRight(false, outFeatures, inFeatures, weight.Span, inFeatures);
    }

    /// <summary>Output features (rows of W).</summary>
    public int OutFeatures { get; }

    /// <summary>Input features (columns of W).</summary>
    public int InFeatures { get; }

    /// <summary><c>y[n, j] = sum_i x[n, i] W[j, i] + bias[j]</c> (no bias term when <paramref name="bias"/> is empty).</summary>
    public void Forward(ReadOnlySpan<float> x /* [batch, in] */, ReadOnlySpan<float> bias, Span<float> y /* [batch, out] */, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (!bias.IsEmpty && bias.Length < OutFeatures)
            throw new ArgumentException($"bias has {bias.Length} values, want {OutFeatures}", nameof(bias));
        Check(x.Length, batch, InFeatures, nameof(x));
        Check(y.Length, batch, OutFeatures, nameof(y));
        if (!bias.IsEmpty)
            for (int n = 0; n < batch; n++) bias[..OutFeatures].CopyTo(y.Slice(n * OutFeatures, OutFeatures));
        Gemm.Multiply(false, batch, x, InFeatures, _forward, y, OutFeatures, accumulate: !bias.IsEmpty);
    }

    /// <summary><c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>: the transposed product (gradient with respect to the input).</summary>
    public void BackwardData(ReadOnlySpan<float> dy /* [batch, out] */, Span<float> dx /* [batch, in] */, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Check(dy.Length, batch, OutFeatures, nameof(dy));
        Check(dx.Length, batch, InFeatures, nameof(dx));
        Gemm.Multiply(false, batch, dy, OutFeatures, _backward, dx, InFeatures, accumulate: false);
    }

    static void Check(int length, int batch, int features, string name)
    {
        if (length < (long)batch * features)
            throw new ArgumentException($"{name} has {length} values, {batch} samples need {(long)batch * features}", name);
    }
}
