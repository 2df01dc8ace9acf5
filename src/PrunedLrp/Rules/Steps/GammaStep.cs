using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// Zennit's generalized Gamma bound to a layer, with <c>wp = w + g w+</c>, <c>wn = w + g w-</c>:
/// <c>zpos = wp x+ + wn x- + (b + g b+)</c>, <c>zneg = wn x+ + wp x- + (b + g b-)</c>,
/// <c>sp = [z &gt; 0] R / stab(zpos)</c>, <c>sn = [z &lt; 0] R / stab(zneg)</c>,
/// <c>R_in = x+ (wp^T sp + wn^T sn) + x- (wn^T sp + wp^T sn)</c>.
/// </summary>
/// <remarks>
/// With x &gt;= 0 (after a ReLU) both denominators follow from the plain output z = w x + b and one product
/// <c>q = w+ x + b+</c>: <c>zpos = z + g q</c> and <c>zneg = (1 + g) z - g q</c> (as <c>w- x = z - b - w+ x</c> and
/// <c>b- - b = -b+</c>), one product instead of two. That case also needs fewer buffers (no sign split; q goes into the
/// buffer of zneg, and the second transposed product into the relevance output before the sum), which matters because
/// the scratch is sized by the largest layer (VGG-16's second convolution: 3.2 million floats per buffer).
/// </remarks>
internal sealed class GammaStep : LinearStep
{
    readonly float _stabilizer;
    readonly bool _nonNegative;
    readonly float _gamma;
    readonly ILinearOperator _wp, _wn;
    readonly ILinearOperator? _positive; // w+, for the denominators of a non-negative input
    readonly float[] _bp, _bn, _biasPositive;

    public GammaStep(LinearLayer layer, float gamma, float stabilizer, bool inputNonNegative)
        : base(layer, inBuffers: inputNonNegative ? 2 : 5, outBuffers: inputNonNegative ? 3 : 4)
    {
        _stabilizer = stabilizer;
        _nonNegative = inputNonNegative;
        _wp = layer.Variant(WeightVariant.GammaPositive, gamma);
        _wn = layer.Variant(WeightVariant.GammaNegative, gamma);
        _bp = layer.BiasVariant(WeightVariant.GammaPositive, gamma);
        _bn = layer.BiasVariant(WeightVariant.GammaNegative, gamma);
        _gamma = gamma;
        _positive = inputNonNegative ? layer.Variant(WeightVariant.Positive) : null;
        _biasPositive = inputNonNegative ? layer.BiasVariant(WeightVariant.Positive) : [];
    }

    public override bool ReadsOutput => true;

    public override void Backward(ref RelevanceArgs args)
    {
        int b = args.Batch;
        var carver = new ScratchCarver(args.Scratch);
        var x = MaskedInput(ref args, carver.Take(b * In));
        var c = carver.Take(b * In);
        var zMasked = carver.Take(b * Out);
        var sp = carver.Take(b * Out);
        var sn = carver.Take(b * Out);
        if (_positive != null && TryListOutputs(ref args, _positive, _stabilizer, valueSpans: 3, sp, out var list, out var values))
        {
            NonNegativeListed(in args, x, list, values, c);
            return;
        }

        ReadOnlySpan<float> z = args.Z;
        if (!args.Mask.IsEmpty)
        {
            Layer.Operator.Forward(x, Layer.Bias.Span, zMasked, b, carver.Rest, args.Kept);
            z = zMasked;
        }
        if (_positive != null)
        {
            NonNegative(in args, x, z, c, sp, sn, carver.Rest);
            return;
        }
        var xp = carver.Take(b * In);
        var xn = carver.Take(b * In);
        var ct = carver.Take(b * In);
        var t = carver.Take(b * Out);
        var ops = carver.Rest;
        var xPos = SplitSigns(x, _nonNegative, xp, xn);

        _wp.Forward(xPos, _bp, sp, b, ops, args.Kept);
        _wn.Forward(xPos, _bn, sn, b, ops, args.Kept);
        _wn.Forward(xn, default, t, b, ops, args.Kept);
        Accumulate(sp, t);
        _wp.Forward(xn, default, t, b, ops, args.Kept);
        Accumulate(sn, t);
        Stabilizer.DivideWhere(args.ROut, sp, _stabilizer, z, positive: true, sp);
        Stabilizer.DivideWhere(args.ROut, sn, _stabilizer, z, positive: false, sn);

        _wp.BackwardData(sp, c, b, ops, kept: args.Kept);
        _wn.BackwardData(sn, ct, b, ops, kept: args.Kept);
        TensorPrimitives.AddMultiply(c, ct, xPos, args.RIn);
        if (!_nonNegative)
        {
            _wn.BackwardData(sp, c, b, ops, kept: args.Kept);
            _wp.BackwardData(sn, ct, b, ops, kept: args.Kept);
            Accumulate(c, ct);
            TensorPrimitives.FusedMultiplyAdd(xn, c, args.RIn, args.RIn);
        }
    }

    // x >= 0: zpos = z + g q and zneg = (1 + g) z - g q from q = w+ x + b+ (see remarks), both divisions in one pass,
    // then R_in = x (wp^T sp + wn^T sn), with the second product written into R_in itself before the sum and product.
    void NonNegative(in RelevanceArgs args, ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> c, Span<float> sp, Span<float> sn,
        Span<float> ops)
    {
        int b = args.Batch;
        _positive!.Forward(x, _biasPositive, sn, b, ops, args.Kept);
        HalvedPasses.GammaSplit(args.ROut, z, sn, _gamma, _stabilizer, sp, sn);

        _wp.BackwardData(sp, c, b, ops, kept: args.Kept);
        _wn.BackwardData(sn, args.RIn, b, ops, kept: args.Kept);
        HalvedPasses.AddMultiply(c, args.RIn, x, args.RIn);
    }

    // NonNegative where R is zero outside the listed entries (PLRP-λ): q, z and the split at those entries only, and
    // transposed products from them.
    void NonNegativeListed(in RelevanceArgs args, ReadOnlySpan<float> x, KeptEntries list, Span<float> values, Span<float> c)
    {
        int count = list.Indices.Length;
        var q = values[..count];
        var z = values.Slice(count, count);
        var r = values.Slice(2 * count, count);
        ForwardAt(_positive!, x, list, _biasPositive, q);
        LayerOutputAt(in args, x, list, z);
        ListedOutputs.Gather(args.ROut, list, r);
        var sp = r;
        var sn = q;
        Stabilizer.GammaSplit(r, z, q, _gamma, _stabilizer, sp, sn);
        BackwardDataListed(_wp, list, sp, c);
        BackwardDataListed(_wn, list, sn, args.RIn);
        HalvedPasses.AddMultiply(c, args.RIn, x, args.RIn);
    }
}
