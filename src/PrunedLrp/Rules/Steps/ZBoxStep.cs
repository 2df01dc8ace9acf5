using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// ZBox bound to a layer: <c>den = W x - W+ l - W- h</c> (no bias), <c>s = R / stab(den)</c>,
/// <c>R_in = x W^T s - l W+^T s - h W-^T s</c>; l and h are the bounds broadcast to the input's shape.
/// </summary>
internal sealed class ZBoxStep : LinearStep
{
    readonly float _stabilizer;
    readonly ILinearOperator _pos, _neg;
    readonly float[] _low, _high; // one sample's worth, [in]

    public ZBoxStep(LinearLayer layer, float[] low, float[] high, float stabilizer)
        : base(layer, inBuffers: 4, outBuffers: 2)
    {
        _stabilizer = stabilizer;
        _pos = layer.Variant(WeightVariant.Positive);
        _neg = layer.Variant(WeightVariant.Negative);
        _low = Broadcast(low, "low");
        _high = Broadcast(high, "high");
    }

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

    public override void Backward(ref RelevanceArgs args)
    {
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
        Stabilizer.Divide(args.ROut, den, _stabilizer, den);

        Layer.Operator.BackwardData(den, c, b, ops, kept: args.Kept);
        TensorPrimitives.Multiply(x, c, args.RIn);
        _pos.BackwardData(den, c, b, ops, kept: args.Kept);
        TensorPrimitives.Multiply(l, c, c);
        TensorPrimitives.Subtract(args.RIn, c, args.RIn);
        _neg.BackwardData(den, c, b, ops, kept: args.Kept);
        TensorPrimitives.Multiply(h, c, c);
        TensorPrimitives.Subtract(args.RIn, c, args.RIn);
    }
}
