using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrunedLrp.Layers;

/// <summary>The Pass rule: <c>R_in = R_out</c> (times the PLRP-M mask when one is given).</summary>
internal static class PassRelevance
{
    public static void Pass(ref RelevanceArgs args)
    {
        var rOut = args.ROut[..args.RIn.Length];
        if (!args.Mask.IsEmpty)
            TensorPrimitives.Multiply(rOut, args.Mask, args.RIn);
        // The explainer's shared buffers may give the input's relevance this node's own buffer (RelevanceSlots): then
        // there is nothing to copy.
        else if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(rOut), ref MemoryMarshal.GetReference(args.RIn)))
            rOut.CopyTo(args.RIn);
    }
}
