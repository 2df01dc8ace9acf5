using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// Shared plumbing of the bound linear-layer rules: scratch sizing (a few [batch, in] and [batch, out] buffers plus
/// the operator's own) and the PLRP-M input mask.
/// </summary>
internal abstract class LinearStep(LinearLayer layer, int inBuffers, int outBuffers) : IRelevanceStep
{
    protected LinearLayer Layer { get; } = layer;

    protected int In => Layer.InputSize;

    protected int Out => Layer.OutputSize;

    public virtual int ScratchLength(int batch)
        => batch * (inBuffers * In + outBuffers * Out) + Math.Max(Layer.Operator.ScratchLength(batch), Layer.Operator.KeptScratchLength);

    public abstract void Backward(ref RelevanceArgs args);

    /// <summary>Whether the rule reads the layer input x (all but Flat and WSquare, which read only the mask).</summary>
    public virtual bool ReadsInputs => true;

    /// <summary>Whether the rule reuses the forward output z (Epsilon's denominator, Gamma's sign mask); the others
    /// compute their own denominators.</summary>
    public virtual bool ReadsOutput => false;

    /// <summary>x, or x times the PLRP-M mask written into <paramref name="buffer"/>.</summary>
    protected static ReadOnlySpan<float> MaskedInput(ref RelevanceArgs args, Span<float> buffer)
    {
        var x = args.X[..buffer.Length];
        if (args.Mask.IsEmpty)
            return x;
        TensorPrimitives.Multiply(x, args.Mask, buffer);
        return buffer;
    }

    /// <summary>Splits x into x+ (returned) and x- (written to <paramref name="xn"/>); after a ReLU x- is zero, so x itself
    /// serves as x+ and nothing is copied.</summary>
    protected static ReadOnlySpan<float> SplitSigns(ReadOnlySpan<float> x, bool nonNegative, Span<float> xp, Span<float> xn)
    {
        if (nonNegative)
            return x;
        TensorPrimitives.Max(x, 0f, xp);
        TensorPrimitives.Min(x, 0f, xn);
        return xp;
    }

    /// <summary>An all-ones array: the unit input of Flat's and ZBox's input-independent terms, or a ones kernel.</summary>
    protected static float[] Ones(int length)
    {
        var ones = new float[length];
        ones.AsSpan().Fill(1f);
        return ones;
    }

    /// <summary>
    /// PLRP-λ's sparse relevance: when R is non-zero at few enough entries per sample for <paramref name="op"/>'s
    /// listed-output products (<see cref="ListedOutputs"/>), lists them in <paramref name="buffer"/> (a [batch, out]
    /// buffer of the dense path) with <paramref name="valueSpans"/> floats per entry. Never with a zero stabilizer:
    /// there a zero R over a zero denominator is NaN in the dense products, which the listed ones would not see.
    /// </summary>
    protected static bool TryListOutputs(ref RelevanceArgs args, ILinearOperator op, float stabilizer, int valueSpans, Span<float> buffer,
        out KeptEntries list, out Span<float> values)
    {
        list = default;
        values = default;
        return stabilizer > 0f && ListedOutputs.TryList(args.ROut, args.Batch, op.ListedOutputLimit, valueSpans, buffer, out list, out values);
    }

    /// <summary>z = op x + bias at the listed outputs of every sample (one value per entry).</summary>
    protected void ForwardAt(ILinearOperator op, ReadOnlySpan<float> x, KeptEntries list, ReadOnlySpan<float> bias, Span<float> z)
    {
        for (int n = 0; n < list.Batch; n++)
            op.ForwardAt(x.Slice(n * In, In), list.Of(n), bias, ListedOutputs.Of(z, list, n));
    }

    /// <summary>The layer's output z at the listed outputs: the forward pass's, or, under a PLRP-M mask (x already masked),
    /// <c>W x + b</c> computed there.</summary>
    protected void LayerOutputAt(in RelevanceArgs args, ReadOnlySpan<float> x, KeptEntries list, Span<float> z)
    {
        if (args.Mask.IsEmpty)
            ListedOutputs.Gather(args.Z, list, z);
        else
            ForwardAt(Layer.Operator, x, list, Layer.Bias.Span, z);
    }

    /// <summary>dx = op^T s for s zero outside the listed outputs (its values there), every sample; dx overwritten.</summary>
    protected void BackwardDataListed(ILinearOperator op, KeptEntries list, Span<float> s, Span<float> dx)
    {
        for (int n = 0; n < list.Batch; n++)
            op.BackwardDataListed(list.Of(n), ListedOutputs.Of(s, list, n), dx.Slice(n * In, In));
    }

    /// <summary><c>dst = a + b</c> for the forward products' partial sums.</summary>
    protected static void Accumulate(Span<float> dst, ReadOnlySpan<float> add) => TensorPrimitives.Add(dst, add, dst);
}
