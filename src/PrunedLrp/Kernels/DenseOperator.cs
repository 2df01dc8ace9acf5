namespace PrunedLrp.Kernels;

/// <summary>
/// A dense (fully connected) product with one fixed weight matrix W [out, in], prepared once and shared by threads:
/// <c>y[n, j] = sum_i x[n, i] W[j, i] + b[j]</c> and its transpose <c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>.
/// </summary>
public sealed class DenseOperator
{
    readonly ReadOnlyMemory<float> _weight;

    /// <summary>Prepares the product for weight <paramref name="weight"/> [out, in] (row-major).</summary>
    public DenseOperator(int outFeatures, int inFeatures, ReadOnlyMemory<float> weight)
    {
        if (weight.Length != (long)outFeatures * inFeatures)
            throw new ArgumentException($"weight has {weight.Length} values, want {outFeatures}x{inFeatures}", nameof(weight));
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
        _weight = weight;
    }

    /// <summary>Output features (rows of W).</summary>
    public int OutFeatures { get; }

    /// <summary>Input features (columns of W).</summary>
    public int InFeatures { get; }

    /// <summary><c>y[n, j] = sum_i x[n, i] W[j, i] + bias[j]</c> (no bias term when <paramref name="bias"/> is empty).</summary>
    public void Forward(ReadOnlySpan<float> x /* [batch, in] */, ReadOnlySpan<float> bias, Span<float> y /* [batch, out] */, int batch)
    {
        var w = _weight.Span;
        for (int n = 0; n < batch; n++)
        {
            for (int j = 0; j < OutFeatures; j++)
            {
                float sum = bias.IsEmpty ? 0f : bias[j];
                for (int i = 0; i < InFeatures; i++)
                    sum += x[n * InFeatures + i] * w[j * InFeatures + i];
                y[n * OutFeatures + j] = sum;
            }
        }
    }

    /// <summary><c>dx[n, i] = sum_j dy[n, j] W[j, i]</c>: the transposed product (gradient with respect to the input).</summary>
    public void BackwardData(ReadOnlySpan<float> dy /* [batch, out] */, Span<float> dx /* [batch, in] */, int batch)
    {
        var w = _weight.Span;
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < InFeatures; i++)
            {
                float sum = 0f;
                for (int j = 0; j < OutFeatures; j++)
                    sum += dy[n * OutFeatures + j] * w[j * InFeatures + i];
                dx[n * InFeatures + i] = sum;
            }
        }
    }
}
