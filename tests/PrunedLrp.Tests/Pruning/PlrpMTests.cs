using PrunedLrp.Composites;
using PrunedLrp.Pruning;
using PrunedLrp.Rules;
using PrunedLrp.Tests.Explain;
using Xunit;

namespace PrunedLrp.Tests.Pruning;

/// <summary>PLRP-M: every reader of a pruning point re-runs its rule with the input-side quantities masked to the
/// kept set; per layer against the reference rules' mask argument (including a point read by a conv and an Add).</summary>
public class PlrpMTests
{
    public static TheoryData<string, string, double> Cases()
    {
        var data = new TheoryData<string, string, double>();
        foreach (var name in PlrpModels.Names)
            foreach (double p in new[] { 0.4, 0.85 })
                data.Add(name, name == "dense" ? "epsilon" : "epsilon-plus", p);
        data.Add("residual", "epsilon", 0.5);
        data.Add("residual", "epsilon-gamma-box", 0.5);
        data.Add("conv2d", "epsilon-alpha2-beta1-flat", 0.7);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void M_MatchesReferencePerLayer(string model, string composite, double p)
    {
        var options = new PruningOptions { Mode = PruneMode.M, Sparsity = [p] };
        var (e, g, x) = PlrpModels.Setup(model, composite, options, batch: 3);
        if (composite == "epsilon-gamma-box")
        {
            // The first conv's ZBox reads the network input, which is never pruned here; give the reference its rule.
            var c = NamedComposites.Get(composite);
            g = new ReferenceGraph(g.Spec, id => id == 1
                ? (l, xs, r, m) => Rules.ReferenceRules.ZBox(l, xs, r, Enumerable.Repeat(-3.0, xs.Length).ToArray(), Enumerable.Repeat(3.0, xs.Length).ToArray(), 1e-6, m)
                : ReferenceGraph.For(c.RuleFor(g.Spec, id)));
        }
        PlrpModels.Run(e, x);
        var selections = PlrpReference.Verify(e, g, x, options, 2e-4);
        Assert.All(e.PruningReports.ToArray(), r => Assert.Equal((1.0, 1.0), (r.LambdaPositive, r.LambdaNegative)));
        Assert.Contains(selections.SelectMany(s => s), s => s.Keep.Count(k => k) < s.Keep.Length / 2);
    }

    [Fact]
    public void M_DiffersFromLambda()
    {
        // The control: the two modes must give different results (or the reference checks could not tell them apart).
        var m = PlrpModels.Setup("conv2d", "epsilon-plus", new PruningOptions { Mode = PruneMode.M, Sparsity = [0.7] });
        var l = PlrpModels.Setup("conv2d", "epsilon-plus", new PruningOptions { Mode = PruneMode.Lambda, Sparsity = [0.7] });
        var rm = PlrpModels.Run(m.Explainer, m.X);
        var rl = PlrpModels.Run(l.Explainer, l.X);
        Assert.True(Support.Compare.RelativeMaxError(rm, rl.Select(v => (double)v).ToArray()) > 1e-2);
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("conv2d")]
    public void M_LrpZeroBiasFree_ConservesAtEveryPoint(string name)
    {
        // LRP-0 without biases conserves, also when the readers see only the kept entries: sum(R) after the masked
        // re-run equals the relevance above, which is the same as before pruning.
        var spec = name == "dense" ? TestModels.DenseChain(51, bias: false) : TestModels.Conv2dChain(51, bias: false);
        var model = Model.FromSpec(spec);
        var e = new Explainer(model, new Composite { Dense = new Epsilon(0f), Conv = new Epsilon(0f) },
            new PruningOptions { Mode = PruneMode.M, Sparsity = [0.6] });
        var x = TestModels.Input(model, 2, 52);
        var r = PlrpModels.Run(e, x);
        foreach (var report in e.PruningReports)
        {
            double scale = Math.Abs(report.PositiveMass) + Math.Abs(report.NegativeMass);
            Assert.True(Math.Abs(report.ConservationError) <= 1e-4 * scale, $"node {report.Node}: {report.SumBefore} -> {report.SumAfter}");
            Assert.True(report.Kept < report.Entries, "something was pruned");
        }
        for (int n = 0; n < 2; n++)
        {
            double logit = e.Logits[n * model.OutputSize + e.Targets[n]];
            double sum = r.Skip(n * model.InputSize).Take(model.InputSize).Sum(v => (double)v);
            Assert.True(Math.Abs(sum - logit) <= 1e-4 * Math.Abs(logit), $"sample {n}: {sum} vs {logit}");
        }
    }
}
