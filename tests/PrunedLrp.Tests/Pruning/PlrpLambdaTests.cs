using PrunedLrp.Pruning;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Pruning;

/// <summary>PLRP-λ: selection by mass, kept entries scaled by λ± so that each sign's mass is unchanged, pruned ones 0;
/// per layer against the full-sort reference.</summary>
public class PlrpLambdaTests
{
    public static TheoryData<string, string, double> Cases()
    {
        var data = new TheoryData<string, string, double>();
        foreach (var name in PlrpModels.Names)
            foreach (double p in new[] { 0.3, 0.8 })
                data.Add(name, name == "dense" ? "epsilon" : "epsilon-plus", p);
        data.Add("conv2d", "epsilon-alpha2-beta1", 0.95);
        data.Add("residual", "epsilon", 0.6);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lambda_MatchesReferencePerLayer(string model, string composite, double p)
    {
        var options = new PruningOptions { Mode = PruneMode.Lambda, Sparsity = [p] };
        var (e, g, x) = PlrpModels.Setup(model, composite, options, batch: 3);
        PlrpModels.Run(e, x);
        var selections = PlrpReference.Verify(e, g, x, options, 1e-4);
        Assert.NotEmpty(selections);
        // Something was pruned beyond the zeros at every point with many entries (a tiny point may hold its whole
        // mass in one entry per sign, which always survives).
        for (int pi = 0; pi < selections.Length; pi++)
        {
            foreach (var s in selections[pi])
            {
                if (s.Keep.Length >= 32)
                    Assert.True(s.KeptPositiveMass < s.PositiveMass, $"point {e.PruningPoints[pi]}: nothing pruned");
            }
        }
    }

    [Theory]
    [InlineData("conv2d", 0.5)]
    [InlineData("residual", 0.9)]
    [InlineData("conv1d", 0.7)]
    public void Lambda_KeepsEachSignsMassAtEveryPoint(string model, double p)
    {
        var options = new PruningOptions { Mode = PruneMode.Lambda, Sparsity = [p] };
        var (e, _, x) = PlrpModels.Setup(model, "epsilon", options, batch: 2);
        PlrpModels.Run(e, x);
        var points = e.PruningPoints;
        Assert.NotEmpty(points);
        for (int pi = 0; pi < points.Count; pi++)
        {
            int size = e.Model.NodeShape(points[pi]).Aggregate(1, (a, b) => a * b);
            for (int n = 0; n < 2; n++)
            {
                var report = e.PruningReports[pi * 2 + n];
                var r = e.NodeRelevance(points[pi]).Slice(n * size, size).ToArray();
                double pos = r.Where(v => v > 0).Sum(v => (double)v), neg = r.Where(v => v < 0).Sum(v => (double)v);
                double scale = Math.Abs(report.PositiveMass) + Math.Abs(report.NegativeMass);
                Assert.True(Math.Abs(report.SumAfter - report.SumBefore) <= 1e-5 * scale, $"point {points[pi]}: sum {report.SumBefore} -> {report.SumAfter}");
                Assert.True(Math.Abs(pos - report.PositiveMass) <= 1e-5 * scale, "positive mass kept");
                Assert.True(Math.Abs(neg - report.NegativeMass) <= 1e-5 * scale, "negative mass kept");
                Assert.True(report.PositiveMass > 0, "the target's relevance has positive mass at every point");
                Assert.Equal(report.PositiveMass / (report.PositiveMass - report.PrunedPositiveMass), report.LambdaPositive, 1e-9);
                Assert.True(report.PrunedPositiveMass > 0 ? report.LambdaPositive > 1 : report.LambdaPositive == 1, "λ+ > 1 exactly when positive mass was pruned");
                if (report.NegativeMass < 0)
                    Assert.Equal(report.NegativeMass / (report.NegativeMass - report.PrunedNegativeMass), report.LambdaNegative, 1e-9);
                Assert.Equal(r.Count(v => v != 0), report.Kept);
            }
        }
    }

    [Theory]
    [InlineData(PruneMode.Lambda, "conv2d")]
    [InlineData(PruneMode.M, "conv2d")]
    [InlineData(PruneMode.Lambda, "residual")]
    [InlineData(PruneMode.M, "residual")]
    public void SparsityZero_EqualsPlainLrp_PruningOnlyZeros(PruneMode mode, string model)
    {
        var options = new PruningOptions { Mode = mode, Sparsity = [0.0] };
        var (e, _, x) = PlrpModels.Setup(model, "epsilon-plus", options, batch: 2);
        var (plain, _, _) = PlrpModels.Setup(model, "epsilon-plus", new PruningOptions { Mode = PruneMode.None }, batch: 2);
        var r = PlrpModels.Run(e, x);
        var expected = PlrpModels.Run(plain, x);
        Compare.Close(r, expected, 1e-6, "input relevance");
        for (int pi = 0; pi < e.PruningPoints.Count; pi++)
        {
            int id = e.PruningPoints[pi];
            var pruned = e.NodeRelevance(id).ToArray();
            var full = plain.NodeRelevance(id).ToArray();
            Compare.Close(pruned, full, 1e-6, $"point {id}");
            int size = pruned.Length / 2;
            for (int n = 0; n < 2; n++)
                Assert.Equal(full.Skip(n * size).Take(size).Count(v => v != 0), e.PruningReports[pi * 2 + n].Kept);
        }
    }
}
