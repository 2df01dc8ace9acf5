using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Pruning;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Pruning;

/// <summary>Pruned LRP options: where the pruning points are, top-k selection, per-point sparsity, pruning the
/// input, and per-sample pruning within a batch.</summary>
public class PlrpOptionsTests
{
    [Fact]
    public void PruningPoints_AreInputsOfLinearLayers_OutputToInput()
    {
        // conv2d chain: 0 input, 1 conv, 2 relu, 3 maxpool, 4 conv, 5 relu, 6 flatten, 7 dense.
        var model = Model.FromSpec(PlrpModels.Spec("conv2d"));
        Assert.Equal([6, 3], model.PruningPoints());
        Assert.Equal([6, 3, 0], model.PruningPoints(includeInput: true));
        // inner residual: 0, 1 conv, 2 relu (p), 3 conv, 4 relu, 5 conv, 6 add, 7 relu, 8 flatten, 9 dense, 10 relu, 11 dense.
        Assert.Equal([10, 8, 4, 2], Model.FromSpec(PlrpModels.Spec("residual")).PruningPoints());
        // A flatten of the input counts as the input.
        var b = new SpecBuilder([2, 5], 1);
        b.Op(OpKind.Flatten);
        b.Dense(3);
        var flat = Model.FromSpec(b.Build());
        Assert.Empty(flat.PruningPoints());
        Assert.Equal([0], flat.PruningPoints(includeInput: true));
        var e = new Explainer(flat, NamedComposites.Get("epsilon"), new PruningOptions { Sparsity = [0.5] });
        Assert.Empty(e.PruningPoints);
    }

    [Theory]
    [InlineData(5.0, PruneMode.Lambda)]
    [InlineData(0.1, PruneMode.Lambda)]
    [InlineData(7.0, PruneMode.M)]
    public void TopK_KeepsExactlyKPerSampleAtEveryPoint(double topK, PruneMode mode)
    {
        var options = new PruningOptions { Mode = mode, Select = SelectMode.TopK, TopK = topK };
        var (e, g, x) = PlrpModels.Setup("conv2d", "epsilon-plus", options, batch: 3);
        PlrpModels.Run(e, x);
        PlrpReference.Verify(e, g, x, options, 2e-4);
        for (int pi = 0; pi < e.PruningPoints.Count; pi++)
        {
            int id = e.PruningPoints[pi];
            int size = e.Model.NodeShape(id).Aggregate(1, (a, b) => a * b);
            int k = topK >= 1 ? (int)topK : (int)Math.Round(topK * size);
            for (int n = 0; n < 3; n++)
            {
                var r = e.NodeRelevance(id).Slice(n * size, size).ToArray();
                Assert.Equal(k, e.PruningReports[pi * 3 + n].Kept);
                if (mode == PruneMode.Lambda)
                    Assert.Equal(k, r.Count(v => v != 0));
                else
                    Assert.InRange(r.Count(v => v != 0), 1, k);
            }
        }
    }

    [Fact]
    public void PerPointSparsity_AppliesEachLevelToItsPoint()
    {
        var model = Model.FromSpec(PlrpModels.Spec("residual"));
        Assert.Equal(4, model.PruningPoints().Count);
        var options = new PruningOptions { Mode = PruneMode.Lambda, Sparsity = [0.95, 0.1, 0.6, 0.3] };
        var (e, g, x) = PlrpModels.Setup("residual", "epsilon", options, batch: 2);
        PlrpModels.Run(e, x);
        var selections = PlrpReference.Verify(e, g, x, options, 1e-4);
        // The reference used each point's own level; check that the levels really differ in effect: the pruned
        // share of positive mass is at most p and close to it.
        for (int pi = 0; pi < 4; pi++)
        {
            foreach (var s in selections[pi])
            {
                double share = 1 - s.KeptPositiveMass / s.PositiveMass;
                Assert.InRange(share, 0, options.Sparsity[pi]);
            }
        }
        for (int n = 0; n < 2; n++)
        {
            double Share(int pi) => 1 - selections[pi][n].KeptPositiveMass / selections[pi][n].PositiveMass;
            Assert.True(Share(0) > Share(1) && Share(2) > Share(3), $"sample {n}: pruned shares {Share(0)}, {Share(1)}, {Share(2)}, {Share(3)}");
        }
        Assert.Throws<ArgumentException>(() => new Explainer(model, NamedComposites.Get("epsilon"),
            new PruningOptions { Sparsity = [0.5, 0.5] }));
    }

    [Theory]
    [InlineData(PruneMode.Lambda, "epsilon-plus")]
    [InlineData(PruneMode.M, "epsilon-plus")]
    [InlineData(PruneMode.M, "epsilon-alpha2-beta1-flat")]
    public void PruneInput_PrunesTheNetworkInputLast(PruneMode mode, string composite)
    {
        var options = new PruningOptions { Mode = mode, Sparsity = [0.5], PruneInput = true };
        var (e, g, x) = PlrpModels.Setup("conv1d", composite, options, batch: 2);
        Assert.Equal(0, e.PruningPoints[^1]);
        var r = PlrpModels.Run(e, x);
        PlrpReference.Verify(e, g, x, options, 2e-4);
        var (plain, _, _) = PlrpModels.Setup("conv1d", composite, options with { PruneInput = false }, batch: 2);
        var unpruned = PlrpModels.Run(plain, x);
        Assert.True(r.Count(v => v != 0) < unpruned.Count(v => v != 0) * 0.9, "the input relevance should be sparser");
        var report = e.PruningReports[^1];
        Assert.Equal((0, 1), (report.Node, report.Sample));
    }

    [Theory]
    [InlineData(PruneMode.Lambda)]
    [InlineData(PruneMode.M)]
    public void Batch_EachSamplePrunedSeparately(PruneMode mode)
    {
        const int batch = 4;
        var options = new PruningOptions { Mode = mode, Sparsity = [0.7] };
        var (e, g, x) = PlrpModels.Setup("residual", "epsilon-plus", options, batch);
        var r = PlrpModels.Run(e, x);
        PlrpReference.Verify(e, g, x, options, 2e-4);
        var (single, _, _) = PlrpModels.Setup("residual", "epsilon-plus", options, 1);
        int size = e.Model.InputSize;
        var targets = e.Targets.ToArray();
        var reports = e.PruningReports.ToArray();
        for (int n = 0; n < batch; n++)
        {
            var alone = new float[size];
            single.Explain(x.AsSpan(n * size, size), [targets[n]], alone);
            Compare.Close(r.AsSpan(n * size, size), alone, 1e-5, $"sample {n} in the batch vs alone");
            for (int pi = 0; pi < single.PruningPoints.Count; pi++)
            {
                Assert.Equal(single.PruningReports[pi].Kept, reports[pi * batch + n].Kept);
            }
        }
        // Pruned per sample, not over the batch: at some point the samples keep different numbers of entries.
        Assert.Contains(Enumerable.Range(0, single.PruningPoints.Count),
            pi => Enumerable.Range(0, batch).Select(n => reports[pi * batch + n].Kept).Distinct().Count() > 1);
    }

    [Theory]
    [InlineData(PruneMode.Lambda)]
    [InlineData(PruneMode.M)]
    public void NegativeSparsity_AppliesToNegativeEntriesOnly(PruneMode mode)
    {
        var options = new PruningOptions { Mode = mode, Sparsity = [0.8], SparsityNegative = 0.1 };
        var (e, g, x) = PlrpModels.Setup("conv2d", "epsilon", options, batch: 2);
        PlrpModels.Run(e, x);
        var selections = PlrpReference.Verify(e, g, x, options, 2e-4);
        foreach (var s in selections.SelectMany(s => s).Where(s => s.Keep.Length >= 32 && s.NegativeMass < 0))
        {
            double positiveShare = 1 - s.KeptPositiveMass / s.PositiveMass, negativeShare = 1 - s.KeptNegativeMass / s.NegativeMass;
            Assert.InRange(negativeShare, 0, 0.1);
            Assert.InRange(positiveShare, 0.1, 0.8);
        }
    }

    [Fact]
    public void InvalidOptions_Throw()
    {
        var model = Model.FromSpec(PlrpModels.Spec("dense"));
        var c = NamedComposites.Get("epsilon");
        Assert.Throws<ArgumentException>(() => new Explainer(model, c, new PruningOptions { Sparsity = [1.5] }));
        Assert.Throws<ArgumentException>(() => new Explainer(model, c, new PruningOptions { Sparsity = [-0.1] }));
        Assert.Throws<ArgumentException>(() => new Explainer(model, c, new PruningOptions { Sparsity = [double.NaN] }));
        Assert.Throws<ArgumentException>(() => new Explainer(model, c, new PruningOptions { SparsityNegative = 2 }));
        Assert.Throws<ArgumentException>(() => new Explainer(model, c, new PruningOptions { Select = SelectMode.TopK, TopK = 2.5 }));
        Assert.Throws<ArgumentException>(() => new Explainer(model, c, new PruningOptions { Select = SelectMode.TopK, TopK = 0 }));
    }
}
