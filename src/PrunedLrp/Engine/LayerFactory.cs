using PrunedLrp.Graph;
using PrunedLrp.Layers;

namespace PrunedLrp;

/// <summary>Compiles a validated node into its layer.</summary>
internal static class LayerFactory
{
    public static Layer Create(int id, NodeSpec node, int[][] shapes, MemoryMode memory)
    {
        var inputs = Array.ConvertAll(node.Inputs, i => shapes[i]);
        var output = shapes[id];
        return node.Kind switch
        {
            OpKind.Dense => new DenseLayer(id, node, inputs, output, memory),
            OpKind.Conv => new ConvLayer(id, node, inputs, output, memory),
            OpKind.MaxPool => new MaxPoolLayer(id, node, inputs, output),
            OpKind.AvgPool => new AvgPoolLayer(id, node, inputs, output, Stabilizer.Default),
            OpKind.GlobalAvgPool => new GlobalAvgPoolLayer(id, node, inputs, output, Stabilizer.Default),
            OpKind.Relu => new ReluLayer(id, node, inputs, output),
            OpKind.Flatten => new FlattenLayer(id, node, inputs, output),
            OpKind.Affine => new AffineLayer(id, node, inputs, output),
            OpKind.Add => new AddLayer(id, node, inputs, output, Stabilizer.Default),
            _ => throw new InvalidDataException($"node {id} ({node}): op kind {node.Kind} cannot be compiled"),
        };
    }
}
