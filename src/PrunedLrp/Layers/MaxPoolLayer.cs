using PrunedLrp.Graph;
using PrunedLrp.Kernels;

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
        => MaxPoolKernel.Forward(_w.Shape, x, y, batch * _w.Shape.InChannels);

    public int ScratchLength(int batch) => 0;

    public bool ReadsOutput => false; // the winners are found again in x

    public void Backward(ref RelevanceArgs args)
    {
        MaxPoolKernel.Backward(_w.Shape, args.X, args.ROut, args.RIn, args.Batch * _w.Shape.InChannels);
        if (!args.Mask.IsEmpty)
            System.Numerics.Tensors.TensorPrimitives.Multiply(args.RIn, args.Mask, args.RIn);
    }
}
