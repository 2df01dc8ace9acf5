using PrunedLrp.Composites;
using PrunedLrp.Layers;
using PrunedLrp.Pruning;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>
/// <see cref="MemoryMode.Lean"/> end to end: every convolution of a lean model, and every rule variant of it, packs its
/// weights per product, and the explanations match the fast mode's (other kernels: agreement to rounding).
/// </summary>
public class LeanMemoryTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string composite in new[] { "epsilon-plus-flat", "epsilon-gamma-box", "epsilon-alpha2-beta1" })
            foreach (string prune in new[] { "none", "lambda", "m" })
                data.Add(composite, prune);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_LeanMatchesFast(string compositeName, string prune)
    {
        foreach (var spec in new[] { TestModels.Residual(seed: 71, channels: 16, size: 12), TestModels.Conv1dChain(seed: 72, bias: true) })
        {
            var fast = Model.FromSpec(spec);
            var lean = Model.FromSpec(spec, new ModelOptions { Memory = MemoryMode.Lean });
            var x = TestModels.Input(fast, 2, seed: 73);
            var want = Explain(fast, compositeName, prune, x);
            var got = Explain(lean, compositeName, prune, x);
            double error = Compare.RelativeMaxError(got, Array.ConvertAll(want, v => (double)v));
            Assert.True(error <= 1e-4, $"{compositeName} {prune}: lean vs fast relative max error {error:E2}");
            var convs = lean.Layers.OfType<ConvLayer>().ToArray();
            Assert.NotEmpty(convs);
            foreach (var variant in Enum.GetValues<WeightVariant>())
                Assert.All(convs, conv => Assert.True(conv.PacksPerProduct(variant, 0.25f), $"{variant} of node {conv.Id}"));
            Assert.All(fast.Layers.OfType<ConvLayer>(), conv => Assert.False(conv.PacksPerProduct(WeightVariant.Positive)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_LargePlanes_LeanWinogradMatchesFast(string compositeName, string prune)
    {
        // 16 channels at 32 x 32: every 3x3 convolution of the lean model remakes its Winograd kernels per call in both
        // directions (1024 positions: F(4x4) everywhere, for W+ and W- with F(4x4)'s leak guard), where the fast model
        // keeps them; the explanations must still agree.
        var spec = TestModels.Residual(seed: 77, channels: 16, size: 32);
        var fast = Model.FromSpec(spec);
        var lean = Model.FromSpec(spec, new ModelOptions { Memory = MemoryMode.Lean });
        var threeByThree = lean.Layers.OfType<ConvLayer>().Where(conv => conv.Shape.KernelHeight == 3 && conv.Shape.StrideHeight == 1).ToArray();
        Assert.NotEmpty(threeByThree);
        Assert.All(threeByThree, conv => Assert.True(conv.Shape.OutHeight * conv.Shape.OutWidth >= PrunedLrp.Kernels.LeanWinograd.MinOutputsF2));
        var x = TestModels.Input(fast, 2, seed: 78);
        var want = Explain(fast, compositeName, prune, x);
        var got = Explain(lean, compositeName, prune, x);
        double error = Compare.RelativeMaxError(got, Array.ConvertAll(want, v => (double)v));
        Assert.True(error <= 1e-4, $"{compositeName} {prune}: lean vs fast relative max error {error:E2}");
    }

    [Fact]
    public void PlrpM_FewKeptEntries_LeanKeptProductsMatchFast()
    {
        // At p = 0.97 the points keep few enough entries for the kept-entry convolutions, whose channel-major weights
        // the lean mode writes into the scratch at each call.
        var spec = TestModels.Residual(seed: 75, channels: 16, size: 24);
        var fast = Model.FromSpec(spec);
        var lean = Model.FromSpec(spec, new ModelOptions { Memory = MemoryMode.Lean });
        var x = TestModels.Input(fast, 2, seed: 76);
        foreach (string composite in new[] { "epsilon-plus", "epsilon-gamma-box" })
        {
            var (want, wantReports) = ExplainM(fast, composite, x);
            var (got, gotReports) = ExplainM(lean, composite, x);
            Assert.Contains(gotReports, r => r.Kept <= r.Entries / 8
                && lean.Readers[r.Node].Any(k => lean.Layers[k] is ConvLayer conv && PrunedLrp.Kernels.KeptConv.Pays(conv.Shape, r.Kept)));
            Assert.Equal(wantReports.Select(r => r.Kept), gotReports.Select(r => r.Kept));
            double error = Compare.RelativeMaxError(got, Array.ConvertAll(want, v => (double)v));
            Assert.True(error <= 1e-4, $"{composite}: lean vs fast relative max error {error:E2}");
        }
    }

    static (float[] Relevance, PruningPointReport[] Reports) ExplainM(Model model, string composite, float[] x)
    {
        var explainer = new Explainer(model, NamedComposites.Get(composite),
            new PruningOptions { Mode = PruneMode.M, Sparsity = [0.97], PruneInput = true });
        var relevance = new float[x.Length];
        explainer.Explain(x, [1, 3], relevance);
        return (relevance, explainer.PruningReports.ToArray());
    }

    [Fact]
    public void Options_DefaultIsFastAndUnknownModeThrows()
    {
        var spec = TestModels.DenseChain(seed: 74, bias: true);
        Assert.Equal(MemoryMode.Fast, Model.FromSpec(spec).Options.Memory);
        Assert.Equal(MemoryMode.Lean, Model.FromSpec(spec, new ModelOptions { Memory = MemoryMode.Lean }).Options.Memory);
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.FromSpec(spec, new ModelOptions { Memory = (MemoryMode)7 }));
    }

    static float[] Explain(Model model, string composite, string prune, float[] x)
    {
        var pruning = prune == "none" ? null : new PruningOptions
        {
            Mode = prune == "m" ? PruneMode.M : PruneMode.Lambda, Sparsity = [0.8], PruneInput = true,
        };
        var explainer = new Explainer(model, NamedComposites.Get(composite), pruning);
        var relevance = new float[x.Length];
        explainer.Explain(x, [0, 1], relevance);
        return relevance;
    }
}
