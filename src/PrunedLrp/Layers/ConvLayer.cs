using PrunedLrp.Graph;
using PrunedLrp.Kernels;

namespace PrunedLrp.Layers;

/// <summary>1-D or 2-D convolution (strides, zero padding, dilation, groups); weight [outC, inC / groups, k...].</summary>
internal sealed class ConvLayer : LinearLayer
{
    public ConvLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape)
        : base(id, spec, inputShapes, outputShape)
    {
        Shape = WindowGeometry.Conv(spec, inputShapes[0], outputShape);
        Operator = CreateOperator(Weight);
    }

    /// <summary>The convolution's geometry (1-D as 2-D with height 1).</summary>
    public ConvShape Shape { get; }

    public override int OutputChannels => Shape.OutChannels;

    public override ILinearOperator Operator { get; }

    public override ILinearOperator CreateOperator(ReadOnlyMemory<float> weight) => new Adapter(new ConvOperator(Shape, weight));

    // The conv packs each direction at its first call; the modified weights are written for it into a freed buffer.
    protected override ILinearOperator CreateVariantOperator(WeightVariant variant, float gamma)
        => new Adapter(new ConvOperator(Shape, destination => WeightVariants.Modify(Weight.Span, variant, gamma, destination)));

    sealed class Adapter(ConvOperator op) : ILinearOperator
    {
        public int ScratchLength(int batch) => op.ScratchLength(batch);

        public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> scratch)
            => op.Forward(x, bias, y, batch, scratch);

        public void BackwardData(ReadOnlySpan<float> dy, Span<float> dx, int batch, Span<float> scratch, ReadOnlySpan<float> factor = default)
            => op.BackwardData(dy, dx, batch, scratch, factor);
    }
}
