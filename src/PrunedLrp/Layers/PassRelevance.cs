using System.Numerics.Tensors;

namespace PrunedLrp.Layers;

/// <summary>The Pass rule: <c>R_in = R_out</c> (times the PLRP-M mask when one is given).</summary>
internal static class PassRelevance
{
    public static void Pass(ref RelevanceArgs args)
    {
        var rOut = args.ROut[..args.RIn.Length];
        if (args.Mask.IsEmpty)
            rOut.CopyTo(args.RIn);
        else
            TensorPrimitives.Multiply(rOut, args.Mask, args.RIn);
    }
}
