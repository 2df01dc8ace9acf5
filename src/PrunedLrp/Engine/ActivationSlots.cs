using PrunedLrp.Layers;

namespace PrunedLrp;

/// <summary>
/// Which buffer each node's output uses in a forward pass that keeps no cache (prediction): a node's buffer is free
/// again once its last reader has run, so the pass cycles through a few buffers that stay in cache instead of writing
/// every activation to fresh memory (ResNet-50: 106 MB of outputs become a few buffers of the largest tensors).
/// </summary>
/// <remarks>
/// Nodes run in id order. An elementwise layer (<see cref="Layer.ForwardInPlace"/>) whose first input dies at it
/// writes over that input. Otherwise the node takes the smallest free buffer that fits, else the largest free one,
/// grown, else a new one. Kept nodes (the input, the output, and for an explainer those its rules read in the backward
/// pass) hold their buffers to the end.
/// </remarks>
internal static class ActivationSlots
{
    /// <summary>The buffer index of each node, and each buffer's size per sample.</summary>
    /// <param name="model">The model.</param>
    /// <param name="keep">Nodes whose outputs must stay readable after the pass (null: only the input and the output).</param>
    public static (int[] SlotOf, int[] SlotSizes) Assign(Model model, bool[]? keep = null)
    {
        int count = model.NodeCount;
        var lastRead = new int[count];
        for (int id = 0; id < count; id++)
            lastRead[id] = model.Readers[id].Length == 0 || keep?[id] == true ? int.MaxValue : model.Readers[id].Max();
        lastRead[count - 1] = int.MaxValue; // the logits are read after the pass
        lastRead[0] = int.MaxValue;         // the caller's input stays intact
        var slotOf = new int[count];
        var sizes = new List<int>();
        var busyUntil = new List<int>(); // the last reader of each buffer's current node
        for (int id = 0; id < count; id++)
        {
            int size = model.NodeSizes[id];
            int slot = -1;
            var layer = id == 0 ? null : model.Layers[id];
            if (layer is { ForwardInPlace: true } && id != count - 1 && lastRead[layer.Inputs[0]] == id
                && sizes[slotOf[layer.Inputs[0]]] >= size)
            {
                slot = slotOf[layer.Inputs[0]];
            }
            else if (id != 0 && id != count - 1)
            {
                int largestFree = -1;
                for (int s = 0; s < sizes.Count; s++)
                {
                    if (busyUntil[s] >= id) continue; // still read by this node or a later one
                    if (sizes[s] >= size && (slot < 0 || sizes[s] < sizes[slot]))
                        slot = s;
                    if (largestFree < 0 || sizes[s] > sizes[largestFree])
                        largestFree = s;
                }
                if (slot < 0 && largestFree >= 0)
                {
                    slot = largestFree;
                    sizes[slot] = size;
                }
            }
            if (slot < 0)
            {
                slot = sizes.Count;
                sizes.Add(size);
                busyUntil.Add(0);
            }
            slotOf[id] = slot;
            busyUntil[slot] = lastRead[id];
        }
        return (slotOf, sizes.ToArray());
    }
}
