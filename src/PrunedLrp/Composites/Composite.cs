using PrunedLrp.Graph;
using PrunedLrp.Rules;

namespace PrunedLrp.Composites;

/// <summary>
/// Which rule each linear layer (dense, convolution) gets, as Zennit's composites assign them: a rule per layer kind, an
/// optional override for the first linear-type layer and for the first convolution (in node order, as Zennit visits
/// modules), and explicit per-node overrides that win over everything. Non-linear layers have fixed rules: Pass for
/// activations, reshapes and unfolded BatchNorm, Norm for average pools and residual sums, winner-takes-all for max pools.
/// </summary>
public sealed record Composite
{
    /// <summary>Rule for dense layers.</summary>
    public required Rule Dense { get; init; }

    /// <summary>Rule for convolutions.</summary>
    public required Rule Conv { get; init; }

    /// <summary>Rule for the first dense or conv layer (Zennit's "first layer" map), if any.</summary>
    public Rule? FirstLinear { get; init; }

    /// <summary>Rule for the first convolution, if any (Zennit's EpsilonGammaBox quirk: an earlier dense layer does not count).</summary>
    public Rule? FirstConv { get; init; }

    /// <summary>Per-node rules (node id to rule), applied last.</summary>
    public IReadOnlyDictionary<int, Rule> NodeRules { get; init; } = new Dictionary<int, Rule>();

    /// <summary>The rule for linear node <paramref name="id"/> of <paramref name="model"/>.</summary>
    public Rule RuleFor(ModelSpec model, int id)
    {
        var kind = model.Nodes[id].Kind;
        if (kind is not (OpKind.Dense or OpKind.Conv))
            throw new ArgumentException($"node {id} ({model.Nodes[id]}) is not a dense or conv layer");
        if (NodeRules.TryGetValue(id, out var rule))
            return rule;
        if (FirstLinear is not null && id == FirstOf(model, k => k is OpKind.Dense or OpKind.Conv))
            return FirstLinear;
        if (FirstConv is not null && id == FirstOf(model, k => k == OpKind.Conv))
            return FirstConv;
        return kind == OpKind.Dense ? Dense : Conv;
    }

    static int FirstOf(ModelSpec model, Func<OpKind, bool> match)
    {
        for (int id = 0; id < model.Nodes.Count; id++)
        {
            if (match(model.Nodes[id].Kind))
                return id;
        }
        return -1;
    }
}
