using System.Collections.Concurrent;
using PrunedLrp.Graph;
using PrunedLrp.Kernels;

namespace PrunedLrp.Layers;

/// <summary>
/// A layer computing <c>z = W x + b</c> for some linear map W (dense or convolution). LRP rules see it only through
/// <see cref="CreateOperator"/>: the same map with modified weights (W+, W-, W + gamma W+, ones, W^2), prepared once
/// per rule binding and shared.
/// </summary>
internal abstract class LinearLayer : Layer
{
    protected LinearLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape)
        : base(id, spec, inputShapes, outputShape)
    {
        Weight = spec.Weight;
        Bias = spec.Bias;
    }

    /// <summary>The layer's weights in the stored layout.</summary>
    public ReadOnlyMemory<float> Weight { get; }

    /// <summary>The bias, empty when the layer has none.</summary>
    public ReadOnlyMemory<float> Bias { get; }

    /// <summary>Output channels (dense: output features); the bias and per-output-channel quantities have this length.</summary>
    public abstract int OutputChannels { get; }

    /// <summary>Output positions per channel (dense: 1).</summary>
    public int OutputPositions => OutputSize / OutputChannels;

    /// <summary>The map itself, with the layer's own weights.</summary>
    public abstract ILinearOperator Operator { get; }

    /// <summary>The same map with other weights of the same layout (a rule's modified weights).</summary>
    public abstract ILinearOperator CreateOperator(ReadOnlyMemory<float> weight);

    readonly ConcurrentDictionary<(WeightVariant, float), ILinearOperator> _variants = new();

    /// <summary>The map with modified weights, prepared on first use and then shared (by every explainer of the model).</summary>
    public ILinearOperator Variant(WeightVariant variant, float gamma = 0f)
        => variant == WeightVariant.Original ? Operator
            : _variants.GetOrAdd((variant, gamma), key => CreateVariantOperator(key.Item1, key.Item2));

    /// <summary>The operator of a weight variant; layers that pack their weights may recompute the variant when packing
    /// instead of keeping a raw copy.</summary>
    protected virtual ILinearOperator CreateVariantOperator(WeightVariant variant, float gamma)
        => CreateOperator(WeightVariants.Modify(Weight.Span, variant, gamma));

    /// <summary>The bias modified like the weights of <paramref name="variant"/> (empty when the layer has no bias).</summary>
    public float[] BiasVariant(WeightVariant variant, float gamma = 0f) => WeightVariants.Modify(Bias.Span, variant, gamma, isBias: true);

    /// <inheritdoc/>
    public override int ForwardScratch(int batch) => Operator.ScratchLength(batch);

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
        => Operator.Forward(x, Bias.Span, y, batch, scratch);
}
