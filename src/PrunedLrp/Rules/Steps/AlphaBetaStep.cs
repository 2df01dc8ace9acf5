using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// AlphaBeta (and ZPlus = alpha 1, beta 0) bound to a layer. Products: <c>zp = W+ x+ + W- x- + b+</c>,
/// <c>zn = W- x+ + W+ x- + b-</c>; <c>R = alpha (x+ W+^T sp + x- W-^T sp) - beta (x+ W-^T sn + x- W+^T sn)</c>.
/// After a ReLU x- = 0, so its products are skipped.
/// </summary>
internal sealed class AlphaBetaStep : LinearStep
{
    readonly float _alpha, _beta, _stabilizer;
    readonly bool _nonNegative;
    readonly ILinearOperator _pos, _neg;
    readonly float[] _biasPos, _biasNeg;

    public AlphaBetaStep(LinearLayer layer, float alpha, float beta, float stabilizer, bool inputNonNegative)
        : base(layer, inBuffers: inputNonNegative ? 2 : 4, outBuffers: 2)
    {
        _alpha = alpha;
        _beta = beta;
        _stabilizer = stabilizer;
        _nonNegative = inputNonNegative;
        _pos = layer.Variant(WeightVariant.Positive);
        // W- serves only the beta part and the x- terms: ZPlus after a ReLU never reads it, so it is not prepared
        // (its operator would hold another copy of the weights, 164 MB on VGG-16).
        _neg = beta != 0f || !inputNonNegative ? layer.Variant(WeightVariant.Negative) : _pos;
        _biasPos = layer.BiasVariant(WeightVariant.Positive);
        _biasNeg = layer.BiasVariant(WeightVariant.Negative);
    }

    public override void Backward(ref RelevanceArgs args)
    {
        int b = args.Batch;
        var carver = new ScratchCarver(args.Scratch);
        var x = MaskedInput(ref args, carver.Take(b * In));
        // x+ and x- buffers only when x can be negative (after a ReLU, x is x+ and x- is never read).
        var xp = _nonNegative ? default : carver.Take(b * In);
        var xn = _nonNegative ? default : carver.Take(b * In);
        var c = carver.Take(b * In);
        var z = carver.Take(b * Out);
        var t = carver.Take(b * Out);
        var opScratch = carver.Rest;
        var xPos = SplitSigns(x, _nonNegative, xp, xn);

        if (TryListOutputs(ref args, _pos, _stabilizer, valueSpans: 3, z, out var list, out var values))
        {
            // PLRP-λ's sparse R: the denominators at its non-zero entries only, and transposed products from them.
            ShareListed(args.ROut, xPos, xn, _pos, _neg, _biasPos, list, values, c, args.RIn, overwrite: true, factor: _alpha);
            if (_beta != 0f)
                ShareListed(args.ROut, xPos, xn, _neg, _pos, _biasNeg, list, values, c, args.RIn, overwrite: false, factor: -_beta);
            return;
        }
        // alpha part: positive contributions x+ w+ and x- w-.
        Share(args.ROut, xPos, xn, _pos, _neg, _biasPos, z, t, c, args.RIn, b, opScratch, args.Kept, overwrite: true, factor: _alpha);
        if (_beta != 0f)
            Share(args.ROut, xPos, xn, _neg, _pos, _biasNeg, z, t, c, args.RIn, b, opScratch, args.Kept, overwrite: false, factor: -_beta);
    }

    /// <summary>
    /// One sign part: <c>den = A x+ + B x- + bias</c>, <c>s = R / stab(den)</c>, <c>R_in (+)= factor (x+ A^T s + x- B^T s)</c>.
    /// </summary>
    void Share(ReadOnlySpan<float> rOut, ReadOnlySpan<float> xPos, ReadOnlySpan<float> xNeg, ILinearOperator a, ILinearOperator bOp,
        float[] bias, Span<float> z, Span<float> t, Span<float> c, Span<float> rIn, int batch, Span<float> opScratch, KeptEntries kept, bool overwrite,
        float factor)
    {
        a.Forward(xPos, bias, z, batch, opScratch, kept);
        if (!_nonNegative)
        {
            bOp.Forward(xNeg, default, t, batch, opScratch, kept);
            Accumulate(z, t);
        }
        HalvedPasses.Divide(rOut, z, _stabilizer, z);
        a.BackwardData(z, c, batch, opScratch, xPos, kept);
        AddShare(xPos, c, rIn, overwrite, factor);
        if (!_nonNegative)
        {
            bOp.BackwardData(z, c, batch, opScratch, xNeg, kept);
            AddShare(xNeg, c, rIn, overwrite: false, factor);
        }
    }

    /// <summary><see cref="Share"/> where R is zero outside the listed entries: the same sums at those entries only
    /// (values: room for three floats per entry).</summary>
    void ShareListed(ReadOnlySpan<float> rOut, ReadOnlySpan<float> xPos, ReadOnlySpan<float> xNeg, ILinearOperator a, ILinearOperator bOp,
        float[] bias, KeptEntries list, Span<float> values, Span<float> c, Span<float> rIn, bool overwrite, float factor)
    {
        int count = list.Indices.Length;
        var s = values[..count];
        var t = values.Slice(count, count);
        var r = values.Slice(2 * count, count);
        ForwardAt(a, xPos, list, bias, s);
        if (!_nonNegative)
        {
            ForwardAt(bOp, xNeg, list, default, t);
            Accumulate(s, t);
        }
        ListedOutputs.Gather(rOut, list, r);
        Stabilizer.Divide(r, s, _stabilizer, s);
        BackwardDataListed(a, list, s, c);
        AddShare(xPos, c, rIn, overwrite, factor);
        if (!_nonNegative)
        {
            BackwardDataListed(bOp, list, s, c);
            AddShare(xNeg, c, rIn, overwrite: false, factor);
        }
    }

    /// <summary><c>R_in = factor x c</c> (overwrite) or <c>R_in += factor x c</c>, with c used as a buffer.</summary>
    static void AddShare(ReadOnlySpan<float> x, Span<float> c, Span<float> rIn, bool overwrite, float factor)
    {
        if (overwrite)
        {
            HalvedPasses.Multiply(x, c, rIn);
            if (factor != 1f) TensorPrimitives.Multiply(rIn, factor, rIn);
        }
        else
        {
            TensorPrimitives.Multiply(x, c, c);
            TensorPrimitives.MultiplyAdd(c, factor, rIn, rIn);
        }
    }
}
