using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// ZBox bound to a layer: <c>den = W x - W+ l - W- h</c> (no bias), <c>s = R / stab(den)</c>,
/// <c>R_in = x W^T s - l W+^T s - h W-^T s</c>; l and h are the bounds broadcast to the input's shape.
/// </summary>
/// <remarks>
/// On a convolution, with l and h constant over each input channel c (one value, or one per channel), the bound terms
/// are one product with <c>B = -(l_c W+ + h_c W-)</c> (the weights of input channel c scaled by its bounds):
/// <c>-W+ l - W- h = B 1</c> (1: an all-ones input, zero in the padding) and <c>-l W+^T s - h W-^T s = B^T s</c>.
/// So <c>den = W x + B 1</c>, where <c>B 1</c> does not depend on the input and is computed once (per call in lean
/// memory), and <c>R_in = x W^T s + B^T s</c>: one forward and two transposed products instead of three and three.
/// Under a PLRP-M mask l and h are masked per entry, and the three products run as written above.
/// </remarks>
internal sealed class ZBoxStep : LinearStep
{
    readonly float _stabilizer;
    readonly ILinearOperator _pos, _neg;
    readonly float[] _low, _high; // one sample's worth, [in]
    readonly ILinearOperator? _bound; // B (convolutions)
    readonly float[]? _boundTerm;     // B 1 for one sample [out], unless lean

    public ZBoxStep(LinearLayer layer, float[] low, float[] high, float stabilizer)
        : base(layer, inBuffers: 4, outBuffers: 2)
    {
        _stabilizer = stabilizer;
        _pos = layer.Variant(WeightVariant.Positive);
        _neg = layer.Variant(WeightVariant.Negative);
        _low = Broadcast(low, "low");
        _high = Broadcast(high, "high");
        if (layer is ConvLayer conv)
        {
            _bound = conv.CreateOperator(BoundWeights(conv, low, high));
            if (!conv.PacksPerProduct(WeightVariant.Original))
            {
                _boundTerm = new float[Out];
                _bound.Forward(Ones(In), default, _boundTerm, 1, new float[_bound.ScratchLength(1)]);
            }
        }
    }

    // The bound path's c, den and (lean) B 1, with room for B's own products.
    public override int ScratchLength(int batch) => Math.Max(base.ScratchLength(batch),
        _bound == null ? 0 : batch * (In + Out) + Out + Math.Max(_bound.ScratchLength(batch), Layer.Operator.ScratchLength(batch)));

    float[] Broadcast(float[] bound, string name)
    {
        int channels = Layer.InputShapes[0][0], positions = In / channels;
        if (bound.Length != 1 && bound.Length != channels)
            throw new ArgumentException($"ZBox {name}: {bound.Length} values, want 1 or one per input channel ({channels}) of {Layer}");
        var result = new float[In];
        for (int c = 0; c < channels; c++)
            result.AsSpan(c * positions, positions).Fill(bound.Length == 1 ? bound[0] : bound[c]);
        return result;
    }

    // B[o, ci, ...] = -(l_c max(w, 0) + h_c min(w, 0)) with c = the input channel that weight reads (its group's ci).
    static float[] BoundWeights(ConvLayer conv, float[] low, float[] high)
    {
        var s = conv.Shape;
        var w = conv.Weight.Span;
        int inPerGroup = s.InChannels / s.Groups, outPerGroup = s.OutChannels / s.Groups, area = s.KernelHeight * s.KernelWidth;
        var result = new float[w.Length];
        for (int o = 0; o < s.OutChannels; o++)
        for (int ci = 0; ci < inPerGroup; ci++)
        {
            int c = o / outPerGroup * inPerGroup + ci;
            float l = low.Length == 1 ? low[0] : low[c], h = high.Length == 1 ? high[0] : high[c];
            for (int k = (o * inPerGroup + ci) * area, end = k + area; k < end; k++)
                result[k] = -(l * Math.Max(w[k], 0f) + h * Math.Min(w[k], 0f));
        }
        return result;
    }

    public override void Backward(ref RelevanceArgs args)
    {
        if (_bound != null && args.Mask.IsEmpty && args.Kept.IsEmpty)
        {
            BoundProducts(ref args);
            return;
        }
        int b = args.Batch;
        var carver = new ScratchCarver(args.Scratch);
        var x = MaskedInput(ref args, carver.Take(b * In));
        var l = carver.Take(b * In);
        var h = carver.Take(b * In);
        var c = carver.Take(b * In);
        var den = carver.Take(b * Out);
        var t = carver.Take(b * Out);
        var ops = carver.Rest;
        for (int n = 0; n < b; n++)
        {
            _low.CopyTo(l.Slice(n * In, In));
            _high.CopyTo(h.Slice(n * In, In));
        }
        if (!args.Mask.IsEmpty)
        {
            TensorPrimitives.Multiply(l, args.Mask, l);
            TensorPrimitives.Multiply(h, args.Mask, h);
        }
        Layer.Operator.Forward(x, default, den, b, ops, args.Kept);
        _pos.Forward(l, default, t, b, ops, args.Kept);
        TensorPrimitives.Subtract(den, t, den);
        _neg.Forward(h, default, t, b, ops, args.Kept);
        TensorPrimitives.Subtract(den, t, den);
        HalvedPasses.Divide(args.ROut, den, _stabilizer, den);

        Layer.Operator.BackwardData(den, c, b, ops, kept: args.Kept);
        TensorPrimitives.Multiply(x, c, args.RIn);
        _pos.BackwardData(den, c, b, ops, kept: args.Kept);
        TensorPrimitives.Multiply(l, c, c);
        TensorPrimitives.Subtract(args.RIn, c, args.RIn);
        _neg.BackwardData(den, c, b, ops, kept: args.Kept);
        TensorPrimitives.Multiply(h, c, c);
        TensorPrimitives.Subtract(args.RIn, c, args.RIn);
    }

    // Unmasked, through B (see remarks): den = W x + B 1, s = R / stab(den), R_in = x W^T s + B^T s.
    void BoundProducts(ref RelevanceArgs args)
    {
        int b = args.Batch;
        var carver = new ScratchCarver(args.Scratch);
        var x = args.X[..(b * In)];
        var c = carver.Take(b * In);
        var den = carver.Take(b * Out);
        var term = _boundTerm ?? carver.Take(Out);
        var ops = carver.Rest;
        if (TryListOutputs(ref args, Layer.Operator, _stabilizer, valueSpans: 3, den, out var list, out var values))
        {
            BoundProductsListed(in args, list, values, c);
            return;
        }
        if (_boundTerm == null)
        {
            c[..In].Fill(1f);
            _bound!.Forward(c[..In], default, term, 1, ops);
        }
        Layer.Operator.Forward(x, default, den, b, ops);
        for (int n = 0; n < b; n++)
        {
            var slice = den.Slice(n * Out, Out);
            HalvedPasses.DivideSum(args.ROut.Slice(n * Out, Out), slice, term, _stabilizer, slice);
        }
        Layer.Operator.BackwardData(den, c, b, ops);
        _bound!.BackwardData(den, args.RIn, b, ops);
        TensorPrimitives.MultiplyAdd(x, c, args.RIn, args.RIn);
    }

    // BoundProducts where R is zero outside the listed entries (PLRP-λ): W x and B 1 at those entries only, and the
    // transposed products from them.
    void BoundProductsListed(in RelevanceArgs args, KeptEntries list, Span<float> values, Span<float> c)
    {
        int count = list.Indices.Length;
        var den = values[..count];
        var bounds = values.Slice(count, count);
        var r = values.Slice(2 * count, count);
        var x = args.X[..(list.Batch * In)];
        ForwardAt(Layer.Operator, x, list, default, den);
        if (_boundTerm == null)
        {
            // Lean: B 1 at the listed entries of each sample, from an all-ones input (written into c, then overwritten).
            var ones = c[..In];
            ones.Fill(1f);
            for (int n = 0; n < list.Batch; n++)
                _bound!.ForwardAt(ones, list.Of(n), default, ListedOutputs.Of(bounds, list, n));
        }
        else
        {
            for (int n = 0; n < list.Batch; n++)
                ListedOutputs.GatherSample(_boundTerm, list.Of(n), ListedOutputs.Of(bounds, list, n));
        }
        ListedOutputs.Gather(args.ROut, list, r);
        Stabilizer.DivideSum(r, den, bounds, _stabilizer, den);
        BackwardDataListed(Layer.Operator, list, den, c);
        BackwardDataListed(_bound!, list, den, args.RIn);
        TensorPrimitives.MultiplyAdd(x, c, args.RIn, args.RIn);
    }
}
