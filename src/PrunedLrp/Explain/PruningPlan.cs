using PrunedLrp.Graph;

namespace PrunedLrp;

/// <summary>Where Pruned LRP prunes: the inputs of dense/conv layers, except the network input and tensors reached
/// from it through parameter-free reshapes only (they count as the input).</summary>
internal static class PruningPlan
{
    /// <summary>Pruning point node ids from the output towards the input; node 0 last when <paramref name="pruneInput"/>.</summary>
    public static int[] Points(Model model, bool pruneInput)
    {
        var nodes = model.Spec.Nodes;
        var isInput = new bool[nodes.Count];
        isInput[0] = true;
        var points = new List<int>();
        for (int id = 1; id < nodes.Count; id++)
            isInput[id] = nodes[id].Kind == OpKind.Flatten && isInput[nodes[id].Inputs[0]];
        for (int id = nodes.Count - 1; id >= 1; id--)
        {
            if (isInput[id])
                continue;
            foreach (int reader in model.Readers[id])
            {
                if (nodes[reader].Kind is OpKind.Dense or OpKind.Conv)
                {
                    points.Add(id);
                    break;
                }
            }
        }
        if (pruneInput)
            points.Add(0);
        return [.. points];
    }
}
