using PrunedLrp.Composites;
using PrunedLrp.Pruning;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>An explainer reused across calls and batch sizes keeps no state from earlier calls: each result equals a
/// fresh explainer's, bit for bit.</summary>
public class ReuseTests
{
    [Theory]
    [InlineData(PruneMode.None)]
    [InlineData(PruneMode.Lambda)]
    [InlineData(PruneMode.M)]
    public void ReusedExplainer_MatchesFreshExplainers(PruneMode mode)
    {
        var model = Model.FromSpec(TestModels.InnerResidual(seed: 81));
        var composite = NamedComposites.Get("epsilon-plus");
        var pruning = new PruningOptions { Mode = mode, Sparsity = [0.6], PruneInput = true };
        var reused = new Explainer(model, composite, pruning);
        int[] batches = [3, 1, 2, 4, 1];
        for (int k = 0; k < batches.Length; k++)
        {
            var x = TestModels.Input(model, batches[k], seed: 90 + k);
            int[] targets = k % 2 == 0 ? [] : [k % model.OutputSize];
            var r = new float[x.Length];
            reused.Explain(x, targets, r);
            var fresh = new Explainer(model, composite, pruning);
            var expected = new float[x.Length];
            fresh.Explain(x, targets, expected);
            Assert.True(expected.AsSpan().SequenceEqual(r), $"call {k} (batch {batches[k]}) differs from a fresh explainer");
            Assert.Equal(fresh.Targets.ToArray(), reused.Targets.ToArray());
            Assert.Equal(fresh.PruningReports.ToArray(), reused.PruningReports.ToArray());
            Assert.Contains(r, v => v != 0);
        }
    }
}
