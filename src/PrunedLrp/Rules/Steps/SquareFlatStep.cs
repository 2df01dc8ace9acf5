using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>
/// Flat and WSquare bound to a layer: unit inputs through modified weights V (ones, or w^2 with bias b^2),
/// <c>den = V 1 + bV</c>, <c>R_in = V^T (R / stab(den))</c>. The unmasked denominator does not depend on the input,
/// so it is computed once here; under a PLRP-M mask the unit input becomes the mask.
/// </summary>
internal sealed class SquareFlatStep : LinearStep
{
    readonly float _stabilizer;
    readonly ILinearOperator _op;
    readonly float[] _bias;
    readonly float[] _denominator; // one sample, [out]

    public SquareFlatStep(LinearLayer layer, bool squareWeights, float stabilizer)
        : base(layer, inBuffers: 0, outBuffers: 1)
    {
        _stabilizer = stabilizer;
        var variant = squareWeights ? WeightVariant.Square : WeightVariant.Ones;
        _op = layer.Variant(variant);
        _bias = layer.BiasVariant(variant);
        var ones = new float[In];
        ones.AsSpan().Fill(1f);
        _denominator = new float[Out];
        _op.Forward(ones, _bias, _denominator, 1, new float[_op.ScratchLength(1)]);
    }

    public override bool ReadsInputs => false;

    public override void Backward(ref RelevanceArgs args)
    {
        int b = args.Batch;
        var carver = new ScratchCarver(args.Scratch);
        var den = carver.Take(b * Out);
        if (args.Mask.IsEmpty)
        {
            for (int n = 0; n < b; n++)
                _denominator.CopyTo(den.Slice(n * Out, Out));
        }
        else
        {
            _op.Forward(args.Mask, _bias, den, b, carver.Rest, args.Kept);
        }
        Stabilizer.Divide(args.ROut, den, _stabilizer, den);
        _op.BackwardData(den, args.RIn, b, carver.Rest, kept: args.Kept);
        if (!args.Mask.IsEmpty)
            TensorPrimitives.Multiply(args.RIn, args.Mask, args.RIn);
    }
}
