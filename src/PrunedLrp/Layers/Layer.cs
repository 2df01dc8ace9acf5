using System.Numerics.Tensors;
using PrunedLrp.Graph;

namespace PrunedLrp.Layers;

/// <summary>
/// A compiled graph node: forward computation over a batch laid out [batch, ...] in the workspace's activation buffers.
/// Layers are immutable once built and shared by every workspace, so one model serves concurrent callers.
/// </summary>
internal abstract class Layer
{
    protected Layer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape)
    {
        Id = id;
        Spec = spec;
        InputShapes = inputShapes;
        OutputShape = outputShape;
        InputSize = inputShapes.Length == 0 ? 0 : (int)ShapeInference.Elements(inputShapes[0]);
        OutputSize = (int)ShapeInference.Elements(outputShape);
    }

    /// <summary>Node id (position in the model's node table).</summary>
    public int Id { get; }

    /// <summary>The node as stored in the model file.</summary>
    public NodeSpec Spec { get; }

    /// <summary>Shapes (without batch) of the tensors this layer reads.</summary>
    public int[][] InputShapes { get; }

    /// <summary>Shape (without batch) of the output.</summary>
    public int[] OutputShape { get; }

    /// <summary>Elements per sample of the first input.</summary>
    public int InputSize { get; }

    /// <summary>Elements per sample of the output.</summary>
    public int OutputSize { get; }

    /// <summary>Ids of the nodes this layer reads.</summary>
    public int[] Inputs => Spec.Inputs;

    /// <summary>Scratch floats that <see cref="Forward"/> needs for <paramref name="batch"/> samples.</summary>
    public virtual int ForwardScratch(int batch) => 0;

    /// <summary>Whether <see cref="Forward"/> may write its output over its first input (elementwise layers), so that a
    /// forward pass that keeps no cache can reuse a dying input's buffer.</summary>
    public virtual bool ForwardInPlace => false;

    /// <summary>Computes the output of <paramref name="batch"/> samples from the input buffers.</summary>
    public abstract void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch);

    /// <summary>
    /// <c>y = max(Forward(x), 0)</c>: the output of this node followed by a ReLU, for a pass that never reads the node's
    /// own output (see <see cref="Workspace"/>). Layers that can apply the ReLU as they write y override this; the default
    /// runs it as a pass over y.
    /// </summary>
    public virtual void ForwardRectified(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
    {
        Forward(x, x2, y, batch, scratch);
        TensorPrimitives.Max(y, 0f, y);
    }

    /// <inheritdoc/>
    public override string ToString() => $"node {Id} ({Spec})";
}
