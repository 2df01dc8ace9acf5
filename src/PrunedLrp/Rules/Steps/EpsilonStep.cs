using System.Numerics.Tensors;
using PrunedLrp.Layers;

namespace PrunedLrp.Rules;

/// <summary>Epsilon bound to a layer: <c>R_in = x * W^T (R / stab(z))</c>, z reused from the forward pass when unmasked.</summary>
internal sealed class EpsilonStep(LinearLayer layer, float epsilon) : LinearStep(layer, inBuffers: 2, outBuffers: 1)
{
    public override bool ReadsOutput => true;

    public override void Backward(ref RelevanceArgs args)
    {
        int b = args.Batch;
        var carver = new ScratchCarver(args.Scratch);
        var x = MaskedInput(ref args, carver.Take(b * In));
        var c = carver.Take(b * In);
        var s = carver.Take(b * Out);
        var op = Layer.Operator;
        if (TryListOutputs(ref args, op, epsilon, valueSpans: 2, s, out var list, out var values))
        {
            int count = list.Indices.Length;
            var zListed = values[..count];
            var rListed = values[count..];
            LayerOutputAt(in args, x, list, zListed);
            ListedOutputs.Gather(args.ROut, list, rListed);
            Stabilizer.Divide(rListed, zListed, epsilon, zListed);
            BackwardDataListed(op, list, zListed, c);
            HalvedPasses.Multiply(x, c, args.RIn);
            return;
        }
        ReadOnlySpan<float> z = args.Z;
        if (!args.Mask.IsEmpty)
        {
            op.Forward(x, Layer.Bias.Span, s, b, carver.Rest, args.Kept);
            z = s;
        }
        HalvedPasses.Divide(args.ROut, z, epsilon, s);
        op.BackwardData(s, c, b, carver.Rest, kept: args.Kept);
        HalvedPasses.Multiply(x, c, args.RIn);
    }
}
