using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using PrunedLrp.Pruning;
using PrunedLrp.Tests.Explain;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Pruning;

/// <summary>PLRP-M at high sparsity, where the kept entries are few enough to be listed and the readers' convolutions
/// and dense layers work on them alone (<see cref="KeptConv"/>, <see cref="KeptDense"/>): per layer against the
/// reference rules, which know nothing of lists. Each case first checks that the listed products really run.</summary>
public class PlrpMListedTests
{
    /// <summary>[4, 14, 14] -> conv 16 3x3 p1 -> relu -> conv 16 3x3 p1 (2 groups) -> relu -> maxpool 2 -> conv 24 3x3 s2
    /// p1 -> relu -> flatten -> dense 10 (its input: 384 entries). The reference builds each layer's dense matrix, so
    /// the model stays small.</summary>
    internal static ModelSpec Wide(int seed)
    {
        var b = new SpecBuilder([4, 14, 14], seed);
        b.Conv(16, [3, 3], padsBegin: [1, 1]);
        b.Op(OpKind.Relu);
        b.Conv(16, [3, 3], padsBegin: [1, 1], groups: 2);
        b.Op(OpKind.Relu);
        b.Pool(OpKind.MaxPool, [2, 2]);
        b.Conv(24, [3, 3], strides: [2, 2], padsBegin: [1, 1]);
        b.Op(OpKind.Relu);
        b.Op(OpKind.Flatten);
        b.Dense(10);
        return b.Build();
    }

    public static TheoryData<string, bool> Cases() => new()
    {
        { "epsilon", false },
        { "epsilon-plus", false },
        { "epsilon-alpha2-beta1", false },
        { "epsilon-plus-flat", true },
        { "epsilon-alpha2-beta1-flat", true },
        { "epsilon-gamma-box", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void M_Listed_MatchesReferencePerLayer(string composite, bool pruneInput)
    {
        var spec = Wide(61);
        var model = Model.FromSpec(spec);
        var options = new PruningOptions { Mode = PruneMode.M, Sparsity = [0.97], PruneInput = pruneInput };
        var c = NamedComposites.Get(composite);
        var e = new Explainer(model, c, options);
        var g = new ReferenceGraph(spec, id => composite == "epsilon-gamma-box" && id == 1
            ? (l, xs, r, m) => Rules.ReferenceRules.ZBox(l, xs, r, Enumerable.Repeat(-3.0, xs.Length).ToArray(), Enumerable.Repeat(3.0, xs.Length).ToArray(), 1e-6, m)
            : ReferenceGraph.For(c.RuleFor(spec, id)));
        var x = TestModels.Input(model, 2, 62);
        PlrpModels.Run(e, x);

        // The lists must really serve the readers: every point keeps at most 1/8 of its entries, and at least one
        // conv and the dense layer find the listed product cheaper.
        int listedConvs = 0, listedDense = 0;
        foreach (var report in e.PruningReports)
        {
            Assert.True(report.Kept <= report.Entries / 8, $"node {report.Node} keeps {report.Kept} of {report.Entries}");
            foreach (int reader in model.Readers[report.Node])
            {
                if (model.Layers[reader] is ConvLayer conv && KeptConv.Pays(conv.Shape, report.Kept)) listedConvs++;
                if (model.Layers[reader] is DenseLayer dense && KeptDense.Pays(dense.InputSize, report.Kept)) listedDense++;
            }
        }
        Assert.True(listedConvs > 0 && listedDense > 0, $"listed conv runs {listedConvs}, dense {listedDense}");
        PlrpReference.Verify(e, g, x, options, 2e-4);
    }
}
