using PrunedLrp.Graph;

namespace PrunedLrp.Layers;

/// <summary>
/// Max pooling (1-D/2-D, padding never wins, dilation). Relevance: winner takes all, as the gradient does: each
/// output's relevance goes to the first maximum of its window in scan order (PyTorch's tie rule).
/// </summary>
internal sealed class MaxPoolLayer : Layer, IRelevanceStep
{
    readonly PoolWindow _w;

    public MaxPoolLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape)
        : base(id, spec, inputShapes, outputShape)
        => _w = PoolWindow.From(spec, inputShapes[0], outputShape);

    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
    {
        var s = _w.Shape;
        int planes = batch * s.InChannels, inPlane = s.InHeight * s.InWidth, outPlane = s.OutHeight * s.OutWidth;
        for (int c = 0; c < planes; c++)
        {
            var xc = x.Slice(c * inPlane, inPlane);
            var yc = y.Slice(c * outPlane, outPlane);
            for (int p = 0; p < s.OutHeight; p++)
                for (int q = 0; q < s.OutWidth; q++)
                    yc[p * s.OutWidth + q] = xc[ArgMax(xc, p, q)];
        }
    }

    /// <summary>Flat index (within the plane) of the first maximum of output (p, q)'s window.</summary>
    int ArgMax(ReadOnlySpan<float> plane, int p, int q)
    {
        var s = _w.Shape;
        int best = -1;
        float max = float.NegativeInfinity;
        for (int u = 0; u < s.KernelHeight; u++)
        {
            int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight;
            if ((uint)ih >= (uint)s.InHeight) continue;
            for (int v = 0; v < s.KernelWidth; v++)
            {
                int iw = q * s.StrideWidth - s.PadLeft + v * s.DilationWidth;
                if ((uint)iw >= (uint)s.InWidth) continue;
                float value = plane[ih * s.InWidth + iw];
                // PyTorch: a later element wins only if strictly greater (or NaN), so ties go to the first.
                if (best < 0 || value > max || float.IsNaN(value))
                {
                    best = ih * s.InWidth + iw;
                    max = value;
                    if (float.IsNaN(value)) return best;
                }
            }
        }
        return best;
    }

    public int ScratchLength(int batch) => 0;

    public void Backward(ref RelevanceArgs args)
    {
        var s = _w.Shape;
        int planes = args.Batch * s.InChannels, inPlane = s.InHeight * s.InWidth, outPlane = s.OutHeight * s.OutWidth;
        args.RIn.Clear();
        for (int c = 0; c < planes; c++)
        {
            var xc = args.X.Slice(c * inPlane, inPlane);
            var rc = args.RIn.Slice(c * inPlane, inPlane);
            var rOut = args.ROut.Slice(c * outPlane, outPlane);
            for (int p = 0; p < s.OutHeight; p++)
                for (int q = 0; q < s.OutWidth; q++)
                    rc[ArgMax(xc, p, q)] += rOut[p * s.OutWidth + q];
        }
        if (!args.Mask.IsEmpty)
            System.Numerics.Tensors.TensorPrimitives.Multiply(args.RIn, args.Mask, args.RIn);
    }
}
