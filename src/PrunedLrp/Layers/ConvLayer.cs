using PrunedLrp.Graph;
using PrunedLrp.Kernels;

namespace PrunedLrp.Layers;

/// <summary>1-D or 2-D convolution (strides, zero padding, dilation, groups); weight [outC, inC / groups, k...].</summary>
internal sealed class ConvLayer : LinearLayer
{
    readonly ChannelMajorWeights _keptWeights;
    readonly bool _lean;

    public ConvLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape, MemoryMode memory)
        : base(id, spec, inputShapes, outputShape)
    {
        Shape = WindowGeometry.Conv(spec, inputShapes[0], outputShape);
        _keptWeights = new ChannelMajorWeights(Shape, Weight);
        _lean = memory == MemoryMode.Lean;
        Operator = _lean ? Lean(WeightMap.Identity) : CreateOperator(Weight);
    }

    /// <summary>The convolution's geometry (1-D as 2-D with height 1).</summary>
    public ConvShape Shape { get; }

    public override int OutputChannels => Shape.OutChannels;

    public override ILinearOperator Operator { get; }

    public override ILinearOperator CreateOperator(ReadOnlyMemory<float> weight)
        => new Adapter(new ConvOperator(Shape, weight), _keptWeights.Holds(weight) ? _keptWeights : new ChannelMajorWeights(Shape, weight), WeightMap.Identity,
            weight);

    // The conv packs each direction at its first call; the modified weights are written for it into a freed buffer.
    // PLRP-M's kept-entry products read the layer's one channel-major copy through the variant's map.
    protected override ILinearOperator CreateVariantOperator(WeightVariant variant, float gamma)
        => _lean ? Lean(WeightVariants.Map(variant, gamma))
            : new Adapter(new ConvOperator(Shape, destination => WeightVariants.Modify(Weight.Span, variant, gamma, destination)),
                _keptWeights, WeightVariants.Map(variant, gamma), Weight);

    // Lean memory: the operator reads the layer's weights through the map at every product, and PLRP-M's kept-entry
    // products make their channel-major copy in the scratch at each call instead of keeping it.
    Adapter Lean(WeightMap map) => new(new ConvOperator(Shape, Weight, map), null, map, Weight);

    /// <inheritdoc/>
    public override void ForwardRectified(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
        => ((Adapter)Operator).Kernel.Forward(x, Bias.Span, y, batch, scratch, rectify: true);

    /// <summary>Whether the operator of <paramref name="variant"/> is the lean form (memory mode Lean).</summary>
    internal bool PacksPerProduct(WeightVariant variant, float gamma = 0f) => ((Adapter)Variant(variant, gamma)).Kernel.PacksPerProduct;

    // weight: the stored weights [O, C/G, kH, kW] that map turns into this operator's (the listed-output products read them).
    sealed class Adapter(ConvOperator op, ChannelMajorWeights? keptWeights, WeightMap map, ReadOnlyMemory<float> weight)
        : ILinearOperator
    {
        public ConvOperator Kernel => op;

        public int ScratchLength(int batch) => op.ScratchLength(batch);

        // Lean (no kept copy): room for the channel-major copy after the kept-entry products' own scratch.
        public int KeptScratchLength => KeptConv.ScratchLength(op.Shape) + (CopiesPerCall ? op.Shape.WeightSize : 0);

        public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> scratch, KeptEntries kept = default)
        {
            var s = op.Shape;
            if (Listed(kept, batch))
            {
                var wt = ChannelMajor(scratch);
                for (int n = 0; n < batch; n++)
                    KeptConv.Forward(s, wt, map, x.Slice(n * s.InSize, s.InSize), kept.Of(n), bias, y.Slice(n * s.OutSize, s.OutSize), scratch[..KeptConv.ScratchLength(s)]);
                return;
            }
            op.Forward(x, bias, y, batch, scratch);
        }

        public void BackwardData(ReadOnlySpan<float> dy, Span<float> dx, int batch, Span<float> scratch, ReadOnlySpan<float> factor = default,
            KeptEntries kept = default)
        {
            var s = op.Shape;
            if (Listed(kept, batch))
            {
                var wt = ChannelMajor(scratch);
                for (int n = 0; n < batch; n++)
                    KeptConv.BackwardData(s, wt, map, dy.Slice(n * s.OutSize, s.OutSize), kept.Of(n), dx.Slice(n * s.InSize, s.InSize), scratch[..KeptConv.ScratchLength(s)]);
                return;
            }
            op.BackwardData(dy, dx, batch, scratch, factor);
            if (!kept.IsEmpty)
                kept.ClearOthers(dx, s.InSize);
        }

        // Lean: the copy costs a pass over the weights at each call, about what the full product costs per few output
        // positions, so only layers with many positions take the kept entries. Measured (PLRP-M / LRP, paired, lean,
        // p = 0.9): always 2.27x (ResNet-50) and 1.31x (VGG-16); from 256 positions 1.53x and 1.23x; never 1.77x and 1.64x.
        const int LeanKeptMinPositions = 256;

        bool CopiesPerCall => keptWeights == null && op.Shape.OutHeight * op.Shape.OutWidth >= LeanKeptMinPositions;

        bool Listed(KeptEntries kept, int batch) => (keptWeights != null || CopiesPerCall)
            && kept.Describes(batch) && KeptConv.Pays(op.Shape, kept.MaxCount);

        // The kept copy, or (lean) one written into the scratch past the products' own part, one pass over the weights.
        ReadOnlySpan<float> ChannelMajor(Span<float> scratch)
        {
            if (keptWeights != null)
                return keptWeights.Values;
            var s = op.Shape;
            var copy = scratch.Slice(KeptConv.ScratchLength(s), s.WeightSize);
            KeptConv.ChannelMajor(s, weight.Span, copy);
            return copy;
        }

        public int ListedOutputLimit => ListedOutputConv.Limit(op.Shape);

        public void ForwardAt(ReadOnlySpan<float> x, ReadOnlySpan<int> outputs, ReadOnlySpan<float> bias, Span<float> z)
            => ListedOutputConv.At(op.Shape, weight.Span, map, x, outputs, bias, z);

        public void BackwardDataListed(ReadOnlySpan<int> outputs, ReadOnlySpan<float> dy, Span<float> dx)
            => ListedOutputConv.Transposed(op.Shape, weight.Span, map, outputs, dy, dx);
    }
}
