using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PrunedLrp.Graph;

namespace PrunedLrp.Layers;

/// <summary>
/// Residual sum <c>z = a + b</c>. Relevance by the Norm rule, as Zennit's ResNet canonizer assigns it:
/// <c>R_a = a * R / stab(a + b)</c>, <c>R_b = b * R / stab(a + b)</c> (elementwise).
/// </summary>
internal sealed class AddLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape, float stabilizer)
    : Layer(id, spec, inputShapes, outputShape), IRelevanceStep
{
    public override bool ForwardInPlace => true;

    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
    {
        int n = batch * OutputSize;
        TensorPrimitives.Add(x[..n], x2[..n], y[..n]);
    }

    /// <summary><c>y = max(a + b, 0)</c> in one pass (ResNet's sum and the ReLU after it; the same float operations as
    /// TensorPrimitives.Add then Max).</summary>
    public override void ForwardRectified(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
    {
        int n = batch * OutputSize, i = 0;
        if (x.Length < n || x2.Length < n || y.Length < n)
            throw new ArgumentException($"the sum of {n} values needs both inputs and the output that long");
        ref float a = ref MemoryMarshal.GetReference(x);
        ref float b = ref MemoryMarshal.GetReference(x2);
        ref float o = ref MemoryMarshal.GetReference(y);
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            Vector256.Max(Vector256.LoadUnsafe(ref a, (nuint)i) + Vector256.LoadUnsafe(ref b, (nuint)i), Vector256<float>.Zero).StoreUnsafe(ref o, (nuint)i);
        TensorPrimitives.Add(x[i..n], x2[i..n], y[i..n]);
        TensorPrimitives.Max(y[i..n], 0f, y[i..n]);
    }

    public int ScratchLength(int batch) => 3 * batch * OutputSize;

    /// <summary>The rule forms a + b again from the inputs it reads anyway, so the sum's output need not be kept (and a
    /// ReLU after it runs in the same pass, <see cref="Layer.ForwardRectified"/>).</summary>
    public bool ReadsOutput => false;

    public void Backward(ref RelevanceArgs args)
    {
        int n = args.RIn.Length;
        var s = args.Scratch[..n];
        if (args.Mask.IsEmpty && args.Mask2.IsEmpty)
        {
            // One pass instead of four (sum, divide, then two products): these are memory-bound on ResNet's wide sums.
            HalvedPasses.Share(args.ROut, stabilizer, args.X[..n], args.X2[..n], args.RIn, args.RIn2);
            return;
        }
        // PLRP-M: the masked inputs make a new denominator.
        var a = Masked(args.X[..n], args.Mask, args.Scratch.Slice(n, n));
        var b = Masked(args.X2[..n], args.Mask2, args.Scratch.Slice(2 * n, n));
        TensorPrimitives.Add(a, b, s);
        Stabilizer.Divide(args.ROut, s, stabilizer, s);
        TensorPrimitives.Multiply(a, s, args.RIn);
        if (!args.RIn2.IsEmpty)
            TensorPrimitives.Multiply(b, s, args.RIn2);
    }

    static ReadOnlySpan<float> Masked(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> dst)
    {
        if (mask.IsEmpty)
            return x;
        TensorPrimitives.Multiply(x, mask, dst);
        return dst;
    }
}
