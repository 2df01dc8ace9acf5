namespace PrunedLrp.Graph;

/// <summary>
/// One node of a model graph, as stored in the model file: its kind, the ids of the nodes it reads, its attributes and
/// parameters. Shapes exclude the batch dimension. Node ids are positions in <see cref="ModelSpec.Nodes"/>, which is in
/// topological order: a node reads only nodes with smaller ids.
/// </summary>
public sealed class NodeSpec
{
    /// <summary>What the node computes.</summary>
    public required OpKind Kind { get; init; }

    /// <summary>A human-readable name (the ONNX node name), for messages and reports.</summary>
    public string Name { get; init; } = "";

    /// <summary>Ids of the nodes whose outputs this node reads: none for Input, two for Add, one otherwise.</summary>
    public int[] Inputs { get; init; } = [];

    /// <summary>Kernel size per spatial axis (Conv, MaxPool, AvgPool); length 1 for 1-D, 2 for 2-D.</summary>
    public int[] Kernel { get; init; } = [];

    /// <summary>Stride per spatial axis.</summary>
    public int[] Strides { get; init; } = [];

    /// <summary>Zero padding before each spatial axis (top, left).</summary>
    public int[] PadsBegin { get; init; } = [];

    /// <summary>Zero padding after each spatial axis (bottom, right).</summary>
    public int[] PadsEnd { get; init; } = [];

    /// <summary>Dilation per spatial axis (Conv and MaxPool; 1 = dense kernel).</summary>
    public int[] Dilations { get; init; } = [];

    /// <summary>Convolution groups (1 = dense, inChannels = depthwise).</summary>
    public int Groups { get; init; } = 1;

    /// <summary>AvgPool: divide by the full window size (true) or by the number of non-padded positions (false).</summary>
    public bool CountIncludePad { get; init; }

    /// <summary>Pools: output size rounds up instead of down (ONNX ceil_mode).</summary>
    public bool CeilMode { get; init; }

    /// <summary>Weight (Dense, Conv) or per-channel scale (Affine); empty for parameter-free nodes.</summary>
    public ReadOnlyMemory<float> Weight { get; init; }

    /// <summary>Shape of <see cref="Weight"/>.</summary>
    public int[] WeightShape { get; init; } = [];

    /// <summary>Bias (Dense, Conv; may be empty) or per-channel shift (Affine).</summary>
    public ReadOnlyMemory<float> Bias { get; init; }

    /// <inheritdoc/>
    public override string ToString() => string.IsNullOrEmpty(Name) ? Kind.ToString() : $"{Kind} '{Name}'";
}
