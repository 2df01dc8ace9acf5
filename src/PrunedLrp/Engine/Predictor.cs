namespace PrunedLrp;

/// <summary>
/// Runs a <see cref="Model"/> forward with reusable buffers: after the first call for a batch size, <see cref="Predict"/>
/// allocates nothing. One predictor serves one thread at a time; create one per thread (they are cheap).
/// </summary>
public sealed class Predictor(Model model)
{
    readonly Workspace _workspace = new(model, keep: new bool[model.NodeCount]);

    /// <summary>The model this predictor runs.</summary>
    public Model Model { get; } = model;

    /// <summary>Writes the logits [batch, classes] of <paramref name="input"/> [batch, ...input shape] into <paramref name="logits"/>.</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> logits)
    {
        int batch = Model.BatchOf(input.Length);
        if (logits.Length < batch * Model.OutputSize)
            throw new ArgumentException($"logits has room for {logits.Length} values, {batch * Model.OutputSize} needed", nameof(logits));
        _workspace.Ensure(batch);
        _workspace.Forward(input, batch);
        _workspace.Logits(batch).CopyTo(logits);
    }
}
