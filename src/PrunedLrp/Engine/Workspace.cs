namespace PrunedLrp;

/// <summary>
/// Per-caller buffers for a batch capacity: every node's output (the forward cache LRP reads) and a scratch buffer.
/// Grows only when a larger batch arrives, so the steady state allocates nothing. With a keep list only the marked
/// nodes (and the input and the logits) stay readable after a pass; the others share buffers by lifetime
/// (<see cref="ActivationSlots"/>): a predictor keeps none, an explainer those its rules read. A ReLU whose input is
/// not kept then runs inside the node before it (<see cref="Layers.Layer.ForwardRectified"/>).
/// </summary>
internal sealed class Workspace
{
    readonly (int[] SlotOf, int[] SlotSizes)? _slots;
    readonly bool[]? _keep;
    readonly bool[] _rectifies;

    // PRUNEDLRP_FUSE_RELU=0 runs every ReLU as its own pass (A/B timing).
    static readonly bool s_fuseRelu = Environment.GetEnvironmentVariable("PRUNEDLRP_FUSE_RELU") != "0";

    /// <param name="model">The model.</param>
    /// <param name="keep">Nodes whose outputs must stay readable after a pass; null keeps every output in its own buffer.</param>
    public Workspace(Model model, bool[]? keep = null)
    {
        Model = model;
        _keep = keep;
        _slots = keep is null ? null : ActivationSlots.Assign(model, keep);
        _rectifies = RectifiedNodes(model, keep, _slots?.SlotOf);
    }

    public Model Model { get; }

    public int Capacity { get; private set; }

    public float[][] Activations { get; private set; } = [];

    public float[] Scratch { get; private set; } = [];

    /// <summary>Makes room for <paramref name="batch"/> samples; <paramref name="extraScratch"/> is the caller's own need.</summary>
    public bool Ensure(int batch, int extraScratch = 0)
    {
        int scratch = Math.Max(ForwardScratch(batch), extraScratch);
        if (batch <= Capacity && scratch <= Scratch.Length)
            return false;
        Capacity = Math.Max(batch, Capacity);
        var shapes = Model.Shapes;
        Activations = new float[shapes.Length][];
        if (_slots is var (slotOf, slotSizes))
        {
            var buffers = new float[slotSizes.Length][];
            for (int s = 0; s < buffers.Length; s++)
                buffers[s] = Kernels.HugePages.ZeroedArray(checked(Capacity * slotSizes[s]));
            for (int id = 0; id < shapes.Length; id++)
                Activations[id] = buffers[slotOf[id]];
        }
        else
        {
            for (int id = 0; id < shapes.Length; id++)
                Activations[id] = Kernels.HugePages.ZeroedArray(checked(Capacity * Model.NodeSizes[id]));
        }
        Scratch = Kernels.HugePages.ZeroedArray(Math.Max(scratch, Math.Max(ForwardScratch(Capacity), extraScratch)));
        return true;
    }

    int ForwardScratch(int batch)
    {
        int max = 0;
        foreach (var layer in Model.Layers)
            max = Math.Max(max, layer?.ForwardScratch(batch) ?? 0);
        return max;
    }

    /// <summary>Runs the forward pass of <paramref name="batch"/> samples, caching the outputs that are kept.</summary>
    public void Forward(ReadOnlySpan<float> input, int batch)
    {
        input.CopyTo(Activations[0]);
        var layers = Model.Layers;
        for (int id = 1; id < layers.Length; id++)
        {
            var layer = layers[id]!;
            var inputs = layer.Inputs;
            ReadOnlySpan<float> x = Activations[inputs[0]];
            ReadOnlySpan<float> x2 = inputs.Length > 1 ? Activations[inputs[1]] : default;
            var y = Activations[id].AsSpan(0, batch * layer.OutputSize);
            if (_rectifies[id])
            {
                // The ReLU at id + 1 writes over this node's buffer and nothing else reads it: one pass does both.
                layer.ForwardRectified(x[..(batch * layer.InputSize)], x2, y, batch, Scratch);
                id++;
                continue;
            }
            layer.Forward(x[..(batch * layer.InputSize)], x2, y, batch, Scratch);
        }
    }

    /// <summary>
    /// Nodes whose ReLU runs inside them: the next node is a ReLU of this one alone, it is this node's only reader, and
    /// this node's output is not kept, so the ReLU shares its buffer (<see cref="ActivationSlots"/>) and no one ever
    /// sees the unrectified values. Without <paramref name="keep"/> every output is kept, so nothing is fused (nor with
    /// PRUNEDLRP_FUSE_RELU=0).
    /// </summary>
    static bool[] RectifiedNodes(Model model, bool[]? keep, int[]? slotOf)
    {
        var fused = new bool[model.NodeCount];
        if (keep is null || slotOf is null || !s_fuseRelu)
            return fused;
        int last = model.NodeCount - 1;
        for (int id = 1; id + 1 < last; id++)
        {
            fused[id] = !keep[id] && model.Layers[id + 1] is Layers.ReluLayer { Inputs: [var source] } && source == id
                && model.Readers[id] is [var reader] && reader == id + 1 && slotOf[id] == slotOf[id + 1];
        }
        return fused;
    }

    /// <summary>Whether node <paramref name="id"/> runs the ReLU after it in the same pass (and that ReLU does not run).</summary>
    public bool Rectifies(int id) => _rectifies[id];

    /// <summary>Whether node <paramref name="id"/>'s output is readable after a pass.</summary>
    public bool Holds(int id) => _keep is null || id == 0 || id == Model.NodeCount - 1 || _keep[id];

    /// <summary>The logits of the last forward pass.</summary>
    public ReadOnlySpan<float> Logits(int batch) => Activations[^1].AsSpan(0, batch * Model.OutputSize);
}
