using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Pruning;
using PrunedLrp.Tests.Pruning;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>Unusual graph shapes: a node nobody reads, an Add of a tensor with itself, and a pruning point with
/// three reader slots (a conv and both inputs of that Add), under plain LRP, PLRP-λ and PLRP-M.</summary>
public class GraphShapeTests
{
    // 0 input [3, 8]; 1 conv; 2 relu (read by 3 twice and by 4); 3 add(2, 2); 4 conv(2); 5 add(4, 3); 6 relu;
    // 7 relu(0), read by nobody; 8 flatten(6); 9 dense.
    static ModelSpec Spec()
    {
        var b = new SpecBuilder([3, 8], seed: 91);
        b.Conv(4, [3], padsBegin: [1]);
        int p = b.Op(OpKind.Relu);
        int self = b.Op(OpKind.Add, p, p);
        int conv = b.Conv(4, [3], padsBegin: [1], from: p);
        int sum = b.Op(OpKind.Add, conv, self);
        int relu = b.Op(OpKind.Relu, sum);
        b.Op(OpKind.Relu, 0);
        b.Op(OpKind.Flatten, relu);
        b.Dense(3);
        return b.Build();
    }

    [Theory]
    [InlineData(PruneMode.None)]
    [InlineData(PruneMode.Lambda)]
    [InlineData(PruneMode.M)]
    public void SelfAddAndUnusedNode_MatchReference(PruneMode mode)
    {
        var spec = Spec();
        var model = Model.FromSpec(spec);
        var composite = NamedComposites.Get("epsilon-plus");
        var pruning = new PruningOptions { Mode = mode, Sparsity = [0.5] };
        var explainer = new Explainer(model, composite, pruning);
        var graph = new ReferenceGraph(spec, id => ReferenceGraph.For(composite.RuleFor(spec, id)));
        const int batch = 2;
        var x = TestModels.Input(model, batch, seed: 92);
        var r = new float[x.Length];
        explainer.Explain(x, [], r);
        Assert.All(explainer.NodeRelevance(7).ToArray(), v => Assert.Equal(0f, v));
        if (mode == PruneMode.None)
        {
            for (int n = 0; n < batch; n++)
            {
                var expected = graph.Explain(x.AsSpan(n * model.InputSize, model.InputSize), explainer.Targets[n]);
                for (int id = 0; id < spec.Nodes.Count; id++)
                {
                    int size = graph.Size(id);
                    Compare.Close(explainer.NodeRelevance(id).Slice(n * size, size), expected[id], 1e-4, $"node {id} sample {n}");
                }
            }
            return;
        }
        Assert.Equal([8, 2], explainer.PruningPoints);
        PlrpReference.Verify(explainer, graph, x, pruning, 2e-4);
    }
}
