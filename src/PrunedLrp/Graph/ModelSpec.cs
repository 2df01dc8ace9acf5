namespace PrunedLrp.Graph;

/// <summary>
/// A model as stored in a model file: the input shape (without the batch dimension), optional class labels, and the
/// node table in topological order. Node 0 is the <see cref="OpKind.Input"/> node; the last node is the output (logits).
/// </summary>
public sealed class ModelSpec
{
    /// <summary>Input shape without the batch dimension, e.g. [20], [4, 1000] or [3, 224, 224].</summary>
    public required int[] InputShape { get; init; }

    /// <summary>Class labels, empty or one per output logit.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The node table, topologically ordered, node 0 being the input.</summary>
    public required IReadOnlyList<NodeSpec> Nodes { get; init; }
}
