using System.Globalization;
using System.Text;

namespace PrunedLrp.Graph;

/// <summary>Prints a model as a layer table: id, op, name, inputs, output shape, parameter count and FLOPs, with totals.</summary>
public static class ModelDescription
{
    static readonly string[] Header = ["id", "op", "name", "inputs", "output", "params", "FLOPs"];

    /// <summary>
    /// Formats <paramref name="model"/> (validated with <see cref="ShapeInference.Infer"/>) as a fixed-width table, one
    /// line per node, then a totals line. FLOPs are per sample and count a multiply-add as 2:
    /// Dense <c>2 * in * out</c>; Conv <c>2 * outElements * (inChannels / groups) * prod(kernel)</c>; pools
    /// <c>outElements * prod(kernel)</c>; GlobalAvgPool, Relu and Add one per element they read or write; Affine 2 per
    /// element; Input and Flatten 0. Bias additions are not counted.
    /// </summary>
    /// <exception cref="InvalidDataException">The model is invalid.</exception>
    public static string Format(ModelSpec model)
    {
        int[][] shapes = ShapeInference.Infer(model);
        var rows = new List<string[]> { Header };
        long totalParams = 0, totalFlops = 0;
        for (int id = 0; id < model.Nodes.Count; id++)
        {
            var node = model.Nodes[id];
            long parameters = node.Weight.Length + (long)node.Bias.Length;
            long flops = Flops(node, id == 0 ? shapes[0] : shapes[node.Inputs[0]], shapes[id]);
            totalParams += parameters;
            totalFlops += flops;
            rows.Add([
                id.ToString(CultureInfo.InvariantCulture), node.Kind.ToString(), node.Name,
                string.Join(",", node.Inputs), "[" + string.Join("x", shapes[id]) + "]",
                parameters.ToString("N0", CultureInfo.InvariantCulture), flops.ToString("N0", CultureInfo.InvariantCulture),
            ]);
        }
        var widths = new int[Header.Length];
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
                widths[c] = Math.Max(widths[c], row[c].Length);
        }
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                // Numbers right-aligned, text left-aligned.
                bool numeric = c is 0 or 5 or 6;
                text.Append(numeric ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
                text.Append(c + 1 < row.Length ? "  " : "");
            }
            text.Append('\n');
        }
        text.Append(CultureInfo.InvariantCulture,
            $"total: {model.Nodes.Count} nodes, {totalParams:N0} parameters, {totalFlops:N0} FLOPs per sample, input [{string.Join("x", model.InputShape)}], output [{string.Join("x", shapes[^1])}]\n");
        return text.ToString();
    }

    /// <summary>FLOPs of one node per sample (see <see cref="Format"/>).</summary>
    internal static long Flops(NodeSpec node, int[] input, int[] output)
    {
        long outElements = ShapeInference.Elements(output);
        long window = 1;
        foreach (int k in node.Kernel)
            window *= k;
        return node.Kind switch
        {
            OpKind.Dense => 2L * node.Weight.Length,
            OpKind.Conv => 2L * outElements * node.WeightShape[1] * window,
            OpKind.MaxPool or OpKind.AvgPool => outElements * window,
            OpKind.GlobalAvgPool => ShapeInference.Elements(input),
            OpKind.Relu or OpKind.Add => outElements,
            OpKind.Affine => 2 * outElements,
            _ => 0,
        };
    }
}
