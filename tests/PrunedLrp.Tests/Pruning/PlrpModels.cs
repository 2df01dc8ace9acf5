using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Pruning;
using PrunedLrp.Tests.Explain;

namespace PrunedLrp.Tests.Pruning;

/// <summary>Named models and composites for the Pruned LRP tests, with the matching reference graph.</summary>
internal static class PlrpModels
{
    public static readonly string[] Names = ["dense", "conv2d", "conv1d", "residual"];

    public static ModelSpec Spec(string name, int seed = 41) => name switch
    {
        "dense" => TestModels.DenseChain(seed, bias: true),
        "conv2d" => TestModels.Conv2dChain(seed, bias: true),
        "conv1d" => TestModels.Conv1dChain(seed, bias: true),
        "residual" => TestModels.InnerResidual(seed),
        _ => throw new ArgumentException(name),
    };

    /// <summary>An explainer with <paramref name="pruning"/>, its reference graph, and <paramref name="batch"/> inputs.</summary>
    public static (Explainer Explainer, ReferenceGraph Graph, float[] X) Setup(string name, string composite, PruningOptions pruning,
        int batch = 2, int seed = 41)
    {
        var spec = Spec(name, seed);
        var model = Model.FromSpec(spec);
        var c = NamedComposites.Get(composite);
        var graph = new ReferenceGraph(spec, id => ReferenceGraph.For(c.RuleFor(spec, id)));
        return (new Explainer(model, c, pruning), graph, TestModels.Input(model, batch, seed + 1));
    }

    public static float[] Run(Explainer e, float[] x, int[]? targets = null)
    {
        var r = new float[x.Length];
        e.Explain(x, targets ?? [], r);
        return r;
    }
}
