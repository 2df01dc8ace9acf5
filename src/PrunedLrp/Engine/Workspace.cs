namespace PrunedLrp;

/// <summary>
/// Per-caller buffers for a batch capacity: every node's output (the forward cache LRP reads) and a scratch buffer.
/// Grows only when a larger batch arrives, so the steady state allocates nothing. With <paramref name="keep"/> only the
/// marked nodes (and the input and the logits) stay readable after a pass; the others share buffers by lifetime
/// (<see cref="ActivationSlots"/>): a predictor keeps none, an explainer those its rules read.
/// </summary>
internal sealed class Workspace(Model model, bool[]? keep = null)
{
    readonly (int[] SlotOf, int[] SlotSizes)? _slots = keep is null ? null : ActivationSlots.Assign(model, keep);
    readonly bool[]? _keep = keep;

    public Model Model { get; } = model;

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
                buffers[s] = new float[checked(Capacity * slotSizes[s])];
            for (int id = 0; id < shapes.Length; id++)
                Activations[id] = buffers[slotOf[id]];
        }
        else
        {
            for (int id = 0; id < shapes.Length; id++)
                Activations[id] = new float[checked(Capacity * Model.NodeSizes[id])];
        }
        Scratch = new float[Math.Max(scratch, Math.Max(ForwardScratch(Capacity), extraScratch))];
        return true;
    }

    int ForwardScratch(int batch)
    {
        int max = 0;
        foreach (var layer in Model.Layers)
            max = Math.Max(max, layer?.ForwardScratch(batch) ?? 0);
        return max;
    }

    /// <summary>Runs the forward pass of <paramref name="batch"/> samples, caching every node's output.</summary>
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
            layer.Forward(x[..(batch * layer.InputSize)], x2, Activations[id].AsSpan(0, batch * layer.OutputSize), batch, Scratch);
        }
    }

    /// <summary>Whether node <paramref name="id"/>'s output is readable after a pass.</summary>
    public bool Holds(int id) => _keep is null || id == 0 || id == Model.NodeCount - 1 || _keep[id];

    /// <summary>The logits of the last forward pass.</summary>
    public ReadOnlySpan<float> Logits(int batch) => Activations[^1].AsSpan(0, batch * Model.OutputSize);
}
