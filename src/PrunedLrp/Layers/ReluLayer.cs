using System.Numerics.Tensors;
using PrunedLrp.Graph;

namespace PrunedLrp.Layers;

/// <summary>max(x, 0); relevance passes through unchanged (Pass rule).</summary>
internal sealed class ReluLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape)
    : Layer(id, spec, inputShapes, outputShape), IRelevanceStep
{
    public override bool ForwardInPlace => true;

    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
        => TensorPrimitives.Max(x[..(batch * InputSize)], 0f, y);

    public int ScratchLength(int batch) => 0;

    public bool ReadsInputs => false; // the Pass rule reads only the relevance

    public bool ReadsOutput => false;

    public bool PassesRelevance => true;

    public void Backward(ref RelevanceArgs args) => PassRelevance.Pass(ref args);
}
