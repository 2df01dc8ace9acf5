using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// Flat and WSquare bound to a layer: unit inputs through modified weights V (ones, or w^2 with bias b^2),
/// <c>den = V 1 + bV</c>, <c>R_in = V^T (R / stab(den))</c>. The unmasked denominator does not depend on the input,
/// so it is computed once here; under a PLRP-M mask the unit input becomes the mask.
/// </summary>
/// <remarks>
/// Flat on an ungrouped convolution: with every weight 1, <c>(V^T s)[c, p]</c> is the same for every input channel c,
/// the sum over the window's taps of <c>S = sum_o s[o]</c>. So the transposed product runs on that one channel-summed
/// plane, through a 1-channel convolution of the same geometry, and is copied to each input channel (the first layer of
/// epsilon-plus-flat: 3 input channels and 64 output channels become 1 and 1).
/// </remarks>
internal sealed class SquareFlatStep : LinearStep
{
    readonly float _stabilizer;
    readonly ILinearOperator _op;
    readonly float[] _bias;
    readonly float[] _denominator; // one sample, [out]
    readonly Kernels.ConvOperator? _plane; // Flat on an ungrouped convolution: ones 1 -> 1 channel, the same geometry
    readonly int _inPlane, _outPlane;

    public SquareFlatStep(LinearLayer layer, bool squareWeights, float stabilizer)
        : base(layer, inBuffers: 0, outBuffers: 1)
    {
        _stabilizer = stabilizer;
        var variant = squareWeights ? WeightVariant.Square : WeightVariant.Ones;
        _op = layer.Variant(variant);
        _bias = layer.BiasVariant(variant);
        _denominator = new float[Out];
        _op.Forward(Ones(In), _bias, _denominator, 1, new float[_op.ScratchLength(1)]);
        if (!squareWeights && layer is ConvLayer { Shape.Groups: 1 } conv)
        {
            var single = conv.Shape with { InChannels = 1, OutChannels = 1 };
            _plane = new Kernels.ConvOperator(single, Ones(single.WeightSize));
            _inPlane = single.InSize;
            _outPlane = single.OutSize;
        }
    }

    public override bool ReadsInputs => false;

    // The channel sums and their transposed product, with room for the plane's own products.
    public override int ScratchLength(int batch) => Math.Max(base.ScratchLength(batch),
        _plane == null ? 0 : batch * (Out + _outPlane + _inPlane) + _plane.ScratchLength(batch));

    public override void Backward(ref RelevanceArgs args)
    {
        int b = args.Batch;
        var carver = new ScratchCarver(args.Scratch);
        var den = carver.Take(b * Out);
        if (args.Mask.IsEmpty)
        {
            for (int n = 0; n < b; n++)
                HalvedPasses.Divide(args.ROut.Slice(n * Out, Out), _denominator, _stabilizer, den.Slice(n * Out, Out));
        }
        else
        {
            _op.Forward(args.Mask, _bias, den, b, carver.Rest, args.Kept);
            HalvedPasses.Divide(args.ROut, den, _stabilizer, den);
        }
        if (_plane != null && args.Kept.IsEmpty)
        {
            ChannelSummed(den, args.RIn, b, carver.Rest);
            if (!args.Mask.IsEmpty)
                TensorPrimitives.Multiply(args.RIn, args.Mask, args.RIn);
            return;
        }
        _op.BackwardData(den, args.RIn, b, carver.Rest, kept: args.Kept);
        if (!args.Mask.IsEmpty)
            TensorPrimitives.Multiply(args.RIn, args.Mask, args.RIn);
    }

    // R_in[n, c] = (ones^T S)[n] for every input channel c, with S[n] = sum_o s[n, o] (see remarks).
    void ChannelSummed(ReadOnlySpan<float> s, Span<float> rIn, int batch, Span<float> scratch)
    {
        var sums = scratch[..(batch * _outPlane)];
        var plane = scratch.Slice(batch * _outPlane, batch * _inPlane);
        var ops = scratch[(batch * (_outPlane + _inPlane))..];
        int outChannels = Out / _outPlane, inChannels = In / _inPlane;
        for (int n = 0; n < batch; n++)
        {
            var sum = sums.Slice(n * _outPlane, _outPlane);
            s.Slice(n * Out, _outPlane).CopyTo(sum);
            for (int o = 1; o < outChannels; o++)
                TensorPrimitives.Add(sum, s.Slice(n * Out + o * _outPlane, _outPlane), sum);
        }
        _plane!.BackwardData(sums, plane, batch, ops);
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < inChannels; c++)
                plane.Slice(n * _inPlane, _inPlane).CopyTo(rIn.Slice(n * In + c * _inPlane, _inPlane));
    }
}
