using PrunedLrp.Graph;

namespace PrunedLrp.Layers;

/// <summary>
/// Average pooling (1-D/2-D, zero padding, PyTorch's divisor rules). Relevance by the Norm rule, Zennit's rule for
/// average pools: <c>R_i = x_i * sum_j (1/d_j) R_j / stab(z_j)</c> over the windows j containing i, with d_j the divisor
/// and z_j the window's average (padded zeros add nothing).
/// </summary>
internal sealed class AvgPoolLayer : Layer, IRelevanceStep
{
    readonly PoolWindow _w;
    readonly float _stabilizer;

    public AvgPoolLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape, float stabilizer)
        : base(id, spec, inputShapes, outputShape)
    {
        _w = PoolWindow.From(spec, inputShapes[0], outputShape);
        _stabilizer = stabilizer;
    }

    /// <summary>The window of output (p, q): clipped bounds and PyTorch's divisor.</summary>
    (int h0, int h1, int w0, int w1, float divisor) Window(int p, int q)
    {
        var s = _w.Shape;
        int hs = p * s.StrideHeight - s.PadTop, ws = q * s.StrideWidth - s.PadLeft;
        int he = Math.Min(hs + s.KernelHeight, s.InHeight + _w.PadBottom);
        int we = Math.Min(ws + s.KernelWidth, s.InWidth + _w.PadRight);
        int poolSize = (he - hs) * (we - ws);
        int h0 = Math.Max(hs, 0), w0 = Math.Max(ws, 0), h1 = Math.Min(he, s.InHeight), w1 = Math.Min(we, s.InWidth);
        int count = Spec.CountIncludePad ? poolSize : (h1 - h0) * (w1 - w0);
        return (h0, h1, w0, w1, count);
    }

    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
    {
        var s = _w.Shape;
        int planes = batch * s.InChannels, inPlane = s.InHeight * s.InWidth, outPlane = s.OutHeight * s.OutWidth;
        for (int c = 0; c < planes; c++)
        {
            var xc = x.Slice(c * inPlane, inPlane);
            for (int p = 0; p < s.OutHeight; p++)
            {
                for (int q = 0; q < s.OutWidth; q++)
                {
                    var (h0, h1, w0, w1, divisor) = Window(p, q);
                    float sum = 0f;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                            sum += xc[h * s.InWidth + w];
                    y[c * outPlane + p * s.OutWidth + q] = sum / divisor;
                }
            }
        }
    }

    public int ScratchLength(int batch) => batch * (InputSize + OutputSize);

    public void Backward(ref RelevanceArgs args)
    {
        var s = _w.Shape;
        int planes = args.Batch * s.InChannels, inPlane = s.InHeight * s.InWidth, outPlane = s.OutHeight * s.OutWidth;
        var x = args.X[..args.RIn.Length];
        var z = args.Z;
        if (!args.Mask.IsEmpty)
        {
            // PLRP-M: the window averages of the masked input replace the forward's.
            var masked = args.Scratch[..x.Length];
            System.Numerics.Tensors.TensorPrimitives.Multiply(x, args.Mask, masked);
            var zMasked = args.Scratch.Slice(x.Length, args.ROut.Length);
            Forward(masked, default, zMasked, args.Batch, default);
            x = masked;
            z = zMasked;
        }
        args.RIn.Clear();
        for (int c = 0; c < planes; c++)
        {
            var rc = args.RIn.Slice(c * inPlane, inPlane);
            for (int p = 0; p < s.OutHeight; p++)
            {
                for (int q = 0; q < s.OutWidth; q++)
                {
                    var (h0, h1, w0, w1, divisor) = Window(p, q);
                    int j = c * outPlane + p * s.OutWidth + q;
                    float g = args.ROut[j] / Stabilizer.Apply(z[j], _stabilizer) / divisor;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                            rc[h * s.InWidth + w] += g;
                }
            }
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(args.RIn, x, args.RIn);
    }
}
