using System.Numerics.Tensors;
using PrunedLrp.Layers;
using PrunedLrp.Pruning;

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
/// epsilon-plus-flat: 3 input channels and 64 output channels become 1 and 1). Its denominator is one plane too
/// (inC times the taps inside the input), and without a mask the shares are divided and summed over the channels in one
/// pass over R, on both kernel threads for large layers.
/// </remarks>
internal sealed unsafe class SquareFlatStep : LinearStep
{
    readonly float _stabilizer;
    readonly ILinearOperator _op;
    readonly float[] _bias;
    readonly float[] _denominator; // one sample: [out], or with _plane one output plane (the same for every channel)
    readonly Kernels.ConvOperator? _plane; // Flat on an ungrouped convolution: ones 1 -> 1 channel, the same geometry
    readonly int _inPlane, _outPlane;

    public SquareFlatStep(LinearLayer layer, bool squareWeights, float stabilizer)
        : base(layer, inBuffers: 0, outBuffers: 1)
    {
        _stabilizer = stabilizer;
        var variant = squareWeights ? WeightVariant.Square : WeightVariant.Ones;
        _op = layer.Variant(variant);
        _bias = layer.BiasVariant(variant);
        if (!squareWeights && layer is ConvLayer { Shape.Groups: 1 } conv)
        {
            var single = conv.Shape with { InChannels = 1, OutChannels = 1 };
            _plane = new Kernels.ConvOperator(single, Ones(single.WeightSize));
            _inPlane = single.InSize;
            _outPlane = single.OutSize;
            // den[o, p] = inC * (the taps of p's window inside the input), the same for every o (Flat's bias is 0): one
            // plane of exact integers, the sums of ones the full product gives, without writing [out] floats (VGG-16's
            // first layer: 12.8 MB, whose page faults cost a one-image run 15-30 ms).
            _denominator = new float[_outPlane];
            _plane.Forward(Ones(_inPlane), default, _denominator, 1, new float[_plane.ScratchLength(1)]);
            TensorPrimitives.Multiply(_denominator, conv.Shape.InChannels, _denominator);
        }
        else
        {
            _denominator = new float[Out];
            _op.Forward(Ones(In), _bias, _denominator, 1, new float[_op.ScratchLength(1)]);
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
        if (_plane != null && args.Mask.IsEmpty && args.Kept.IsEmpty)
        {
            PlaneShares(args.ROut, args.RIn, b, carver.Rest);
            return;
        }
        var den = carver.Take(b * Out);
        if (args.Mask.IsEmpty)
        {
            for (int n = 0; n < b; n++)
            {
                if (_plane == null)
                    HalvedPasses.Divide(args.ROut.Slice(n * Out, Out), _denominator, _stabilizer, den.Slice(n * Out, Out));
                else
                    for (int o = 0; o < Out; o += _outPlane)
                        Stabilizer.Divide(args.ROut.Slice(n * Out + o, _outPlane), _denominator, _stabilizer, den.Slice(n * Out + o, _outPlane));
            }
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

    // Unmasked Flat on a plane: S[n] = sum_o R[n, o] / stab(den) in one pass over R (bit for bit the quotients of
    // Stabilizer.Divide summed in channel order, as ChannelSummed sums them, without writing them out), then R_in.
    void PlaneShares(ReadOnlySpan<float> rOut, Span<float> rIn, int batch, Span<float> scratch)
    {
        var sums = scratch[..(batch * _outPlane)];
        fixed (float* r = rOut, den = _denominator, sum = sums)
        {
            for (int n = 0; n < batch; n++)
            {
                var pass = new SharesPass { R = r + (long)n * Out, Den = den, Sum = sum + (long)n * _outPlane, Channels = Out / _outPlane, Plane = _outPlane, Eps = _stabilizer };
                if (Out < PassHalves.From)
                    pass.Run(0, _outPlane);
                else
                    PassHalves.Halves<SharesPass, bool>(_outPlane, pass);
            }
        }
        Spread(sums, rIn, batch, scratch[(batch * _outPlane)..]);
    }

    // Sum[p] = sum over channels o, in order, of R[o, p] / stab(Den[p]), for positions [start, end) of the plane.
    struct SharesPass : IRangePass<bool>
    {
        public float* R, Den, Sum;
        public int Channels, Plane;
        public float Eps;

        public readonly bool Run(int start, int end)
        {
            var den = new ReadOnlySpan<float>(Den + start, end - start);
            var sum = new Span<float>(Sum + start, end - start);
            Stabilizer.Divide(new ReadOnlySpan<float>(R + start, end - start), den, Eps, sum);
            for (int o = 1; o < Channels; o++)
                Stabilizer.DivideAdd(new ReadOnlySpan<float>(R + (long)o * Plane + start, end - start), den, Eps, sum);
            return true;
        }
    }

    // R_in[n, c] = (ones^T S)[n] for every input channel c, with S[n] = sum_o s[n, o] (see remarks).
    void ChannelSummed(ReadOnlySpan<float> s, Span<float> rIn, int batch, Span<float> scratch)
    {
        var sums = scratch[..(batch * _outPlane)];
        int outChannels = Out / _outPlane;
        for (int n = 0; n < batch; n++)
        {
            var sum = sums.Slice(n * _outPlane, _outPlane);
            s.Slice(n * Out, _outPlane).CopyTo(sum);
            for (int o = 1; o < outChannels; o++)
                TensorPrimitives.Add(sum, s.Slice(n * Out + o * _outPlane, _outPlane), sum);
        }
        Spread(sums, rIn, batch, scratch[(batch * _outPlane)..]);
    }

    // R_in[n, c] = (ones^T S)[n] for every input channel c, from the channel sums S [batch, outPlane].
    void Spread(ReadOnlySpan<float> sums, Span<float> rIn, int batch, Span<float> scratch)
    {
        var plane = scratch[..(batch * _inPlane)];
        var ops = scratch[(batch * _inPlane)..];
        int inChannels = In / _inPlane;
        _plane!.BackwardData(sums, plane, batch, ops);
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < inChannels; c++)
                plane.Slice(n * _inPlane, _inPlane).CopyTo(rIn.Slice(n * In + c * _inPlane, _inPlane));
    }
}
