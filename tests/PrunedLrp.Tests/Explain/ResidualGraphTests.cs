using PrunedLrp.Composites;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>A residual graph (x -> conv -> relu -> conv, + x, relu, global avg pool, dense) against the hand-chained
/// reference: every node's relevance, and the input's relevance is the sum of what its two readers send back.</summary>
public class ResidualGraphTests
{
    [Theory]
    [InlineData("epsilon")]
    [InlineData("epsilon-plus")]
    [InlineData("epsilon-alpha2-beta1")]
    [InlineData("epsilon-gamma-box")]
    public void Residual_MatchesHandChainedReference(string compositeName)
    {
        var spec = TestModels.Residual(seed: 21);
        var model = Model.FromSpec(spec);
        var composite = NamedComposites.Get(compositeName, new CompositeOptions { Low = [-1f], High = [1f] });
        var explainer = new Explainer(model, composite);
        var graph = compositeName == "epsilon-gamma-box"
            ? new ReferenceGraph(spec, id => id == 1
                ? (l, x, r, m) => Rules.ReferenceRules.ZBox(l, x, r, Enumerable.Repeat(-1.0, x.Length).ToArray(), Enumerable.Repeat(1.0, x.Length).ToArray(), 1e-6, m)
                : ReferenceGraph.For(composite.RuleFor(spec, id)))
            : new ReferenceGraph(spec, id => ReferenceGraph.For(composite.RuleFor(spec, id)));
        const int batch = 2;
        var x = TestModels.Input(model, batch, seed: 22);
        var relevance = new float[x.Length];
        explainer.Explain(x, [], relevance);
        for (int n = 0; n < batch; n++)
        {
            var sample = x.AsSpan(n * model.InputSize, model.InputSize);
            var expected = graph.Explain(sample, explainer.Targets[n]);
            for (int id = spec.Nodes.Count - 1; id >= 0; id--)
            {
                int size = graph.Size(id);
                Compare.Close(explainer.NodeRelevance(id).Slice(n * size, size), expected[id], 1e-4, $"{compositeName} node {id} sample {n}");
            }
            Compare.Close(relevance.AsSpan(n * model.InputSize, model.InputSize), expected[0], 1e-4, $"{compositeName} input sample {n}");

            // Both readers of x (the first conv and the Add) send substantial relevance, and the result is their sum,
            // not either part alone.
            var act = graph.Forward(sample);
            var viaConv = graph.Step(1, 0, act, expected[1]);
            var viaSkip = graph.Step(4, 1, act, expected[4]);
            var sum = viaConv.Zip(viaSkip, (a, b) => a + b).ToArray();
            Compare.Close(relevance.AsSpan(n * model.InputSize, model.InputSize), sum, 1e-4, "sum of both readers");
            var r = relevance.AsSpan(n * model.InputSize, model.InputSize);
            double convShare = viaConv.Sum(Math.Abs) / sum.Sum(Math.Abs);
            double skipShare = viaSkip.Sum(Math.Abs) / sum.Sum(Math.Abs);
            Assert.True(convShare > 0.05 && skipShare > 0.05, $"both readers should send relevance: conv {convShare:F3}, skip {skipShare:F3}");
            Assert.True(Compare.RelativeMaxError(r, viaConv) > 0.01, "conv path alone should not explain the input");
            Assert.True(Compare.RelativeMaxError(r, viaSkip) > 0.01, "skip path alone should not explain the input");
        }
    }
}
