namespace PrunedLrp;

/// <summary>
/// Which relevance buffer each node uses when the explainer need not keep every node's relevance: nodes whose
/// relevance is alive at the same time in the backward pass get different buffers, the others share.
/// </summary>
/// <remarks>
/// The pass visits nodes from the output down (time <c>t(id) = count - 1 - id</c>). Node k's relevance is written first
/// by its first reader's step (the reader with the largest id) and read by k's own step; with PLRP-M it is read again
/// when a pruning point among k's inputs re-runs its readers, at that point's time. The input (node 0), the output
/// (seeded before the pass) and pruning points (reported, and written by --layers-out) keep their own buffers.
/// Buffers go to nodes in order of first use: the smallest free one that fits, else the largest free one, grown.
/// A node whose only reader passes relevance through unchanged (a ReLU, a Flatten) takes that reader's buffer, so the
/// reader's step has nothing to copy: the node's relevance is the reader's, and no step writes either buffer again.
/// </remarks>
internal static class RelevanceSlots
{
    /// <summary>The buffer index of each node, and each buffer's size per sample; <paramref name="passes"/> marks the
    /// nodes whose step is Pass.</summary>
    public static (int[] SlotOf, int[] SlotSizes) Assign(Model model, bool[] isPoint, bool maskedRerun, bool[] passes)
    {
        int count = model.NodeCount;
        var start = new int[count];
        var end = new int[count];
        for (int id = 0; id < count; id++)
        {
            int own = count - 1 - id;
            var readers = model.Readers[id];
            start[id] = readers.Length == 0 ? own : count - 1 - readers.Max();
            end[id] = own;
        }
        start[count - 1] = -1; // seeded before the pass
        if (maskedRerun)
        {
            for (int p = 0; p < count; p++)
            {
                if (!isPoint[p]) continue;
                foreach (int reader in model.Readers[p])
                    end[reader] = Math.Max(end[reader], count - 1 - p);
            }
        }
        var slotOf = new int[count];
        var sizes = new List<int>();
        var freeAt = new List<int>(); // the time after which each buffer is free again
        foreach (int id in Enumerable.Range(0, count).OrderBy(i => start[i]))
        {
            int size = model.NodeSizes[id];
            bool own = id == 0 || id == count - 1 || isPoint[id];
            int best = -1, largestFree = -1;
            if (!own && model.Readers[id] is [var reader] && passes[reader] && model.NodeSizes[reader] == size)
            {
                // The reader was placed first (its relevance is written before it runs, and it runs when this node's starts).
                slotOf[id] = slotOf[reader];
                freeAt[slotOf[id]] = Math.Max(freeAt[slotOf[id]], end[id]);
                continue;
            }
            if (!own)
            {
                for (int s = 0; s < sizes.Count; s++)
                {
                    if (freeAt[s] >= start[id]) continue;
                    if (sizes[s] >= size && (best < 0 || sizes[s] < sizes[best]))
                        best = s;
                    if (largestFree < 0 || sizes[s] > sizes[largestFree])
                        largestFree = s;
                }
                if (best < 0 && largestFree >= 0)
                {
                    best = largestFree; // grow a free buffer rather than add one
                    sizes[best] = size;
                }
            }
            if (best < 0)
            {
                best = sizes.Count;
                sizes.Add(size);
                freeAt.Add(int.MaxValue);
            }
            slotOf[id] = best;
            freeAt[best] = own ? int.MaxValue : end[id];
        }
        return (slotOf, sizes.ToArray());
    }
}
