namespace PrunedLrp.Kernels;

/// <summary>
/// A dense (fully connected) product with one fixed weight matrix W [out, in], prepared once and shared by threads:
/// <c>y[n, j] = sum_i x[n, i] W[j, i] + b[j]</c> and its transpose <c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>.
/// </summary>
/// <remarks>
/// Up to <see cref="DenseVector.MaxBatch"/> samples (the explain path's usual case) the products read W itself
/// (<see cref="DenseVector"/>: memory-bound matrix-vector products, no extra copy). Larger batches use
/// <see cref="Gemm"/> with W^T and W packed as right operands, each packed on its first use and then kept (twice the
/// weight memory, spent only by callers that run such batches), or, when told not to keep them (lean memory), with
/// blocks of W packed at each product.
/// </remarks>
public sealed class DenseOperator
{
    readonly ReadOnlyMemory<float> _weight; // W [out, in]
    readonly bool _keepPacked;
    PackedMatrix? _forward;  // W^T [in, out], packed on the first large batch
    PackedMatrix? _backward; // W [out, in], packed on the first large batch

    /// <summary>Prepares the product for weight <paramref name="weight"/> [out, in] (row-major).</summary>
    /// <param name="outFeatures">Rows of W.</param>
    /// <param name="inFeatures">Columns of W.</param>
    /// <param name="weight">W, kept (not copied): its contents must not change afterwards.</param>
    /// <param name="keepPacked">Whether batches above <see cref="DenseVector.MaxBatch"/> keep W^T and W packed after
    /// their first use (faster); when false they pack blocks of W at each product and keep nothing.</param>
    public DenseOperator(int outFeatures, int inFeatures, ReadOnlyMemory<float> weight, bool keepPacked = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        if (weight.Length != (long)outFeatures * inFeatures)
            throw new ArgumentException($"weight has {weight.Length} values, want {outFeatures}x{inFeatures}", nameof(weight));
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
        _weight = weight;
        _keepPacked = keepPacked;
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
        if (batch <= DenseVector.MaxBatch)
        {
            DenseVector.Forward(_weight.Span, OutFeatures, InFeatures, x, bias.IsEmpty ? bias : bias[..OutFeatures], y, batch);
            return;
        }
        if (!bias.IsEmpty)
            for (int n = 0; n < batch; n++) bias[..OutFeatures].CopyTo(y.Slice(n * OutFeatures, OutFeatures));
        if (!_keepPacked)
        {
            Gemm.Multiply(false, true, batch, OutFeatures, InFeatures, x, InFeatures, _weight.Span, InFeatures, y, OutFeatures, accumulate: !bias.IsEmpty);
            return;
        }
        var packed = _forward ?? Pack(ref _forward, transpose: true);
        Gemm.Multiply(false, batch, x, InFeatures, packed, y, OutFeatures, accumulate: !bias.IsEmpty);
    }

    /// <summary><c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>: the transposed product (gradient with respect to the input).</summary>
    public void BackwardData(ReadOnlySpan<float> dy /* [batch, out] */, Span<float> dx /* [batch, in] */, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Check(dy.Length, batch, OutFeatures, nameof(dy));
        Check(dx.Length, batch, InFeatures, nameof(dx));
        if (batch <= DenseVector.MaxBatch)
        {
            DenseVector.Backward(_weight.Span, OutFeatures, InFeatures, dy, dx, batch);
            return;
        }
        if (!_keepPacked)
        {
            Gemm.Multiply(false, false, batch, InFeatures, OutFeatures, dy, OutFeatures, _weight.Span, InFeatures, dx, InFeatures, accumulate: false);
            return;
        }
        var packed = _backward ?? Pack(ref _backward, transpose: false);
        Gemm.Multiply(false, batch, dy, OutFeatures, packed, dx, InFeatures, accumulate: false);
    }

    // Packs W^T (forward) or W (transposed product) once; concurrent first callers may both pack, one copy is kept.
    PackedMatrix Pack(ref PackedMatrix? slot, bool transpose)
    {
        var packed = transpose
            ? PackedMatrix.PackRight(true, InFeatures, OutFeatures, _weight.Span, InFeatures, modelForm: true)
            : PackedMatrix.PackRight(false, OutFeatures, InFeatures, _weight.Span, InFeatures, modelForm: true);
        return Interlocked.CompareExchange(ref slot, packed, null) ?? packed;
    }

    static void Check(int length, int batch, int features, string name)
    {
        if (length < (long)batch * features)
            throw new ArgumentException($"{name} has {length} values, {batch} samples need {(long)batch * features}", name);
    }
}
