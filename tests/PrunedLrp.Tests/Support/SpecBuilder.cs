using PrunedLrp.Graph;

namespace PrunedLrp.Tests.Support;

/// <summary>Builds small random model graphs for tests (seeded).</summary>
internal sealed class SpecBuilder(int[] inputShape, int seed)
{
    readonly Random _random = new(seed);
    readonly List<NodeSpec> _nodes = [new NodeSpec { Kind = OpKind.Input, Name = "input" }];
    readonly List<int[]> _shapes = [inputShape];

    public int Last => _nodes.Count - 1;

    public int[] ShapeOf(int id) => _shapes[id];

    public float[] Random(int n, float scale = 1f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = (float)(_random.NextDouble() * 2 - 1) * scale;
        return a;
    }

    int Add(NodeSpec node)
    {
        _nodes.Add(node);
        var spec = new ModelSpec { InputShape = inputShape, Nodes = _nodes.ToArray() };
        _shapes.Add(ShapeInference.Infer(spec)[^1]);
        return Last;
    }

    public int Dense(int outFeatures, int? from = null, bool bias = true)
    {
        int src = from ?? Last;
        int inFeatures = _shapes[src][0];
        return Add(new NodeSpec
        {
            Kind = OpKind.Dense, Name = $"dense{_nodes.Count}", Inputs = [src],
            Weight = Random(outFeatures * inFeatures, 1f / MathF.Sqrt(inFeatures)), WeightShape = [outFeatures, inFeatures],
            Bias = bias ? Random(outFeatures, 0.3f) : ReadOnlyMemory<float>.Empty,
        });
    }

    public int Conv(int outChannels, int[] kernel, int[]? strides = null, int[]? padsBegin = null, int[]? padsEnd = null,
        int[]? dilations = null, int groups = 1, int? from = null, bool bias = true)
    {
        int src = from ?? Last;
        var x = _shapes[src];
        int spatial = x.Length - 1;
        int fanIn = x[0] / groups * kernel.Aggregate(1, (a, b) => a * b);
        var weightShape = new[] { outChannels, x[0] / groups }.Concat(kernel).ToArray();
        return Add(new NodeSpec
        {
            Kind = OpKind.Conv, Name = $"conv{_nodes.Count}", Inputs = [src], Kernel = kernel,
            Strides = strides ?? Ones(spatial), PadsBegin = padsBegin ?? new int[spatial], PadsEnd = padsEnd ?? padsBegin ?? new int[spatial],
            Dilations = dilations ?? Ones(spatial), Groups = groups,
            Weight = Random(weightShape.Aggregate(1, (a, b) => a * b), 1f / MathF.Sqrt(fanIn)), WeightShape = weightShape,
            Bias = bias ? Random(outChannels, 0.3f) : ReadOnlyMemory<float>.Empty,
        });
    }

    public int Pool(OpKind kind, int[] kernel, int[]? strides = null, int[]? padsBegin = null, int[]? padsEnd = null,
        bool countIncludePad = true, bool ceil = false, int[]? dilations = null)
    {
        int spatial = _shapes[Last].Length - 1;
        return Add(new NodeSpec
        {
            Kind = kind, Name = $"{kind}{_nodes.Count}", Inputs = [Last], Kernel = kernel, Strides = strides ?? kernel,
            PadsBegin = padsBegin ?? new int[spatial], PadsEnd = padsEnd ?? padsBegin ?? new int[spatial],
            Dilations = dilations ?? Ones(spatial), CountIncludePad = countIncludePad, CeilMode = ceil,
        });
    }

    /// <summary>Per-channel affine (unfolded BatchNorm) with random scale and shift.</summary>
    public int Affine(int? from = null)
    {
        int src = from ?? Last;
        int channels = _shapes[src][0];
        return Add(new NodeSpec
        {
            Kind = OpKind.Affine, Name = $"affine{_nodes.Count}", Inputs = [src],
            Weight = Random(channels, 2f), WeightShape = [channels], Bias = Random(channels, 0.5f),
        });
    }

    public int Op(OpKind kind, params int[] inputs)
        => Add(new NodeSpec { Kind = kind, Name = $"{kind}{_nodes.Count}", Inputs = inputs.Length == 0 ? [Last] : inputs });

    public ModelSpec Build() => new() { InputShape = inputShape, Nodes = _nodes.ToArray() };

    static int[] Ones(int n) => Enumerable.Repeat(1, n).ToArray();
}
