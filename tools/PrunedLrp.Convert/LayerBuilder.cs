using PrunedLrp.Graph;

namespace PrunedLrp.Convert;

/// <summary>
/// A node of the model being built: like <see cref="NodeSpec"/> but mutable, so rewrites (BatchNorm folding, bias
/// folding) can change parameters after the node exists. Shapes exclude the batch dimension.
/// </summary>
internal sealed class LayerBuilder
{
    public required OpKind Kind { get; init; }
    public required string Name { get; init; }
    public LayerBuilder[] Inputs { get; init; } = [];
    public int[] Kernel { get; set; } = [];
    public int[] Strides { get; set; } = [];
    public int[] PadsBegin { get; set; } = [];
    public int[] PadsEnd { get; set; } = [];
    public int[] Dilations { get; set; } = [];
    public int Groups { get; set; } = 1;
    public bool CountIncludePad { get; set; }
    public bool CeilMode { get; set; }
    public float[] Weight { get; set; } = [];
    public int[] WeightShape { get; set; } = [];
    public float[] Bias { get; set; } = [];

    /// <summary>Our output shape (GlobalAvgPool gives [C]).</summary>
    public int[] Shape { get; set; } = [];

    /// <summary>The ONNX output shape without batch (GlobalAveragePool gives [C, 1, ...]); Shape, Reshape and
    /// Flatten reason about this one.</summary>
    public int[] OnnxShape { get; set; } = [];

    /// <summary>How many ONNX node inputs and graph outputs read this layer's output (through Identity/Dropout
    /// aliases too): a rewrite may change a layer's output only when the rewriting node is its only reader.</summary>
    public int Readers { get; set; }

    /// <summary>Whether every output value is >= 0 (a Relu output), which makes zero padding harmless for max pooling.</summary>
    public bool NonNegative => Kind == OpKind.Relu;

    public NodeSpec ToNode(int[] inputIds) => new()
    {
        Kind = Kind, Name = Name, Inputs = inputIds, Kernel = Kernel, Strides = Strides, PadsBegin = PadsBegin,
        PadsEnd = PadsEnd, Dilations = Dilations, Groups = Groups, CountIncludePad = CountIncludePad, CeilMode = CeilMode,
        Weight = Weight, WeightShape = WeightShape, Bias = Bias,
    };

    public override string ToString() => $"{Kind} '{Name}'";
}
