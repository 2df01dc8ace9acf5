using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Layers;
using PrunedLrp.Pruning;

namespace PrunedLrp;

/// <summary>
/// Explains a model's predictions with LRP (and Pruned LRP): forward with the activation cache, seed the output
/// relevance with the target's logit (zero elsewhere, as Zennit's <c>attr_output = output * one_hot</c>), then run every
/// node's rule backwards; relevance into a tensor read by several nodes is summed. Holds its own workspace: after the
/// first call for a batch size, <c>Explain</c> allocates nothing. One explainer serves one thread at a time; the
/// model is shared, so create one explainer per thread.
/// </summary>
public sealed partial class Explainer
{
    readonly Model _model;
    readonly Workspace _ws;
    readonly IRelevanceStep[] _steps;
    readonly PruningOptions? _pruning;
    readonly int[] _points;
    readonly bool[] _isPoint;
    readonly bool[] _stepPerSample; // convolutions under pruning, whose steps run per sample (see RunStep)
    readonly bool[] _contributed;
    readonly int[]? _slotOf;       // null: every node keeps its own relevance buffer
    readonly int[] _slotSizes = [];
    float[][] _relevance = [];
    float[] _temp = [], _temp2 = [], _mask = [];
    bool[] _keep = [];
    int[] _keptIndices = [], _keptStarts = []; // PLRP-M: the kept entries as lists (see List)
    float[] _selectionScratch = [];
    int[] _targets = [];
    PruningPointReport[] _reports = [];
    int _batch;

    /// <summary>Binds <paramref name="composite"/>'s rules to <paramref name="model"/> (modified weights are prepared once
    /// per model and shared) and, when <paramref name="pruning"/> is given with a mode other than None, Pruned LRP.</summary>
    /// <param name="model">The model to explain.</param>
    /// <param name="composite">The rule of each layer.</param>
    /// <param name="pruning">Pruned LRP's options; null or mode None for plain LRP.</param>
    /// <param name="keepNodeRelevance">Whether <see cref="NodeRelevance"/> serves every node. When false, the relevance of
    /// the input, the output and the pruning points is kept and the other nodes share buffers by when they are alive
    /// in the backward pass (ResNet-50: 106 MB of relevance buffers become about 20 MB).</param>
    /// <exception cref="ArgumentException">A rule or pruning parameter is invalid for this model.</exception>
    public Explainer(Model model, Composite composite, PruningOptions? pruning = null, bool keepNodeRelevance = true)
    {
        _model = model;
        int count = model.NodeCount;
        _steps = new IRelevanceStep[count];
        var nonNegative = new bool[count];
        for (int id = 1; id < count; id++)
        {
            var layer = model.Layers[id]!;
            nonNegative[id] = layer.Spec.Kind switch
            {
                OpKind.Relu => true,
                OpKind.MaxPool or OpKind.AvgPool or OpKind.GlobalAvgPool or OpKind.Flatten => nonNegative[layer.Inputs[0]],
                OpKind.Add => nonNegative[layer.Inputs[0]] && nonNegative[layer.Inputs[1]],
                _ => false,
            };
            _steps[id] = layer is LinearLayer linear
                ? composite.RuleFor(model.Spec, id).Bind(linear, nonNegative[layer.Inputs[0]])
                : (IRelevanceStep)layer;
        }
        _ws = new Workspace(model, keep: ReadInBackward(model, _steps));
        _contributed = new bool[count];
        _isPoint = new bool[count];
        _pruning = pruning is { Mode: not PruneMode.None } ? pruning : null;
        _points = _pruning is null ? [] : PruningPlan.Points(model, _pruning.PruneInput);
        foreach (int p in _points)
            _isPoint[p] = true;
        _stepPerSample = new bool[count];
        for (int id = 1; id < count && _pruning is not null; id++)
            _stepPerSample[id] = model.Layers[id] is ConvLayer;
        _pruning?.Validate(_points.Length);
        if (!keepNodeRelevance)
            (_slotOf, _slotSizes) = RelevanceSlots.Assign(model, _isPoint, _pruning is { Mode: PruneMode.M },
                _steps.Select(step => step?.PassesRelevance ?? false).ToArray());
    }

    // The nodes whose forward outputs some rule reads in the backward pass; the others (VGG-16: the convolutions'
    // outputs before their ReLUs, under ZPlus) share buffers, about half of the cache.
    static bool[] ReadInBackward(Model model, IRelevanceStep[] steps)
    {
        var read = new bool[model.NodeCount];
        for (int id = 1; id < read.Length; id++)
        {
            var step = steps[id];
            read[id] |= step.ReadsOutput;
            if (step.ReadsInputs)
                foreach (int input in model.Layers[id]!.Inputs)
                    read[input] = true;
        }
        return read;
    }

    /// <summary>The model explained.</summary>
    public Model Model => _model;

    /// <summary>Node ids whose outputs are pruned, from the output towards the input (empty without pruning).</summary>
    public IReadOnlyList<int> PruningPoints => _points;

    /// <summary>Logits of the last call, [batch, classes].</summary>
    public ReadOnlySpan<float> Logits => _ws.Logits(_batch);

    /// <summary>Targets of the last call, one per sample.</summary>
    public ReadOnlySpan<int> Targets => _targets.AsSpan(0, _batch);

    /// <summary>Pruning reports of the last call: for each pruning point (in <see cref="PruningPoints"/> order) and sample.</summary>
    public ReadOnlySpan<PruningPointReport> PruningReports => _reports.AsSpan(0, _points.Length * _batch);

    /// <summary>Relevance at node <paramref name="id"/>'s output in the last call, [batch, ...node shape]
    /// (node 0 is the input relevance).</summary>
    /// <exception cref="InvalidOperationException">The explainer was made with <c>keepNodeRelevance: false</c> and node
    /// <paramref name="id"/> is not the input, the output or a pruning point.</exception>
    public ReadOnlySpan<float> NodeRelevance(int id)
    {
        if ((uint)id >= (uint)_model.NodeCount)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"the model has nodes 0..{_model.NodeCount - 1}");
        if (_slotOf != null && id != 0 && id != _model.NodeCount - 1 && !_isPoint[id])
            throw new InvalidOperationException($"node {id}'s relevance is not kept: make the explainer with keepNodeRelevance: true");
        return _relevance[id].AsSpan(0, _batch * _model.NodeSizes[id]);
    }

    /// <summary>
    /// Explains <paramref name="input"/> [batch, ...input shape] for <paramref name="targets"/> (empty: each sample's
    /// arg-max class; one value: that class for every sample; else one per sample) and writes the input relevance
    /// [batch, ...input shape] into <paramref name="relevance"/>.
    /// </summary>
    public void Explain(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, Span<float> relevance)
    {
        int batch = _model.BatchOf(input.Length);
        if (relevance.Length < input.Length)
            throw new ArgumentException($"relevance has room for {relevance.Length} values, {input.Length} needed", nameof(relevance));
        if (targets.Length > 1 && targets.Length != batch)
            throw new ArgumentException($"{targets.Length} targets for {batch} samples: give none, one, or one per sample", nameof(targets));
        Ensure(batch);
        _batch = batch;
        _ws.Forward(input, batch);
        Seed(targets, batch);
        Backward(batch);
        NodeRelevance(0).CopyTo(relevance);
    }

    /// <summary>Convenience: explains <paramref name="input"/> for one target (or arg-max when null), allocating the result.</summary>
    public float[] Explain(ReadOnlySpan<float> input, int? target = null)
    {
        var result = new float[input.Length];
        Explain(input, target is int t ? [t] : ReadOnlySpan<int>.Empty, result);
        return result;
    }
}
