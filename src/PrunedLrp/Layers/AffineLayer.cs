using PrunedLrp.Graph;

namespace PrunedLrp.Layers;

/// <summary>Per-channel <c>y = x * scale[c] + shift[c]</c> (an unfolded BatchNorm); relevance passes (Pass rule).</summary>
internal sealed class AffineLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape)
    : Layer(id, spec, inputShapes, outputShape), IRelevanceStep
{
    public override bool ForwardInPlace => true;

    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
    {
        var scale = Spec.Weight.Span;
        var shift = Spec.Bias.Span;
        int channels = OutputShape[0], positions = OutputSize / channels;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                int o = (n * channels + c) * positions;
                var yc = y.Slice(o, positions);
                System.Numerics.Tensors.TensorPrimitives.Multiply(x.Slice(o, positions), scale[c], yc);
                System.Numerics.Tensors.TensorPrimitives.Add(yc, shift[c], yc);
            }
        }
    }

    public int ScratchLength(int batch) => 0;

    public bool ReadsInputs => false; // the Pass rule reads only the relevance

    public bool ReadsOutput => false;

    public bool PassesRelevance => true;

    public void Backward(ref RelevanceArgs args) => PassRelevance.Pass(ref args);
}
