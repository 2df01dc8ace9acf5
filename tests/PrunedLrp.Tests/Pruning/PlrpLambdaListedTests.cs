using PrunedLrp.Composites;
using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using PrunedLrp.Pruning;
using PrunedLrp.Tests.Explain;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Pruning;

/// <summary>Pruned LRP at high sparsity, where the relevance arriving at a linear layer is non-zero at few enough entries
/// that the rules compute their denominators there only and run the transposed products from them
/// (<see cref="ListedOutputConv"/>, <see cref="ListedOutputDense"/>): per layer against the reference rules, which know
/// nothing of lists. Each case first checks that the listed products really run.</summary>
public class PlrpLambdaListedTests
{
    public static TheoryData<string, PruneMode, MemoryMode> Cases()
    {
        var data = new TheoryData<string, PruneMode, MemoryMode>();
        foreach (var composite in new[] { "epsilon", "epsilon-plus", "epsilon-alpha2-beta1", "epsilon-plus-flat", "epsilon-gamma-box" })
            data.Add(composite, PruneMode.Lambda, MemoryMode.Fast);
        data.Add("epsilon-plus", PruneMode.Lambda, MemoryMode.Lean);
        data.Add("epsilon-gamma-box", PruneMode.Lambda, MemoryMode.Lean);
        data.Add("epsilon", PruneMode.M, MemoryMode.Fast);
        data.Add("epsilon-plus", PruneMode.M, MemoryMode.Fast);
        data.Add("epsilon-gamma-box", PruneMode.M, MemoryMode.Lean);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Listed_MatchesReferencePerLayer(string composite, PruneMode mode, MemoryMode memory)
    {
        var spec = PlrpMListedTests.Wide(71);
        var model = Model.FromSpec(spec, new ModelOptions { Memory = memory });
        var options = new PruningOptions { Mode = mode, Sparsity = [0.995] };
        var c = NamedComposites.Get(composite);
        var e = new Explainer(model, c, options);
        var g = new ReferenceGraph(spec, id => composite == "epsilon-gamma-box" && id == 1
            ? (l, xs, r, m) => Rules.ReferenceRules.ZBox(l, xs, r, Enumerable.Repeat(-3.0, xs.Length).ToArray(), Enumerable.Repeat(3.0, xs.Length).ToArray(), 1e-6, m)
            : ReferenceGraph.For(c.RuleFor(spec, id)));
        const int batch = 2;
        var x = TestModels.Input(model, batch, 72);
        PlrpModels.Run(e, x);

        // The lists must really serve: the relevance arriving at the dense layer and at two or more convolutions is
        // within their listed products' limits in every sample.
        int listedConvs = 0, listedDense = 0;
        for (int id = 1; id < model.NodeCount; id++)
        {
            if (model.Layers[id] is not LinearLayer layer)
                continue;
            var r = e.NodeRelevance(id);
            int size = r.Length / batch, most = 0;
            for (int n = 0; n < batch; n++)
            {
                int count = 0;
                foreach (float v in r.Slice(n * size, size)) if (v != 0f) count++;
                most = Math.Max(most, count);
            }
            if (layer is ConvLayer conv && ListedOutputConv.Pays(conv.Shape, most)) listedConvs++;
            if (layer is DenseLayer && ListedOutputDense.Pays(layer.OutputSize, most)) listedDense++;
        }
        Assert.True(listedConvs >= 2 && listedDense > 0, $"listed conv steps {listedConvs}, dense {listedDense}");
        PlrpReference.Verify(e, g, x, options, 2e-4);
    }

    [Theory]
    [InlineData("epsilon-plus", PruneMode.Lambda)]
    [InlineData("epsilon-gamma-box", PruneMode.Lambda)]
    [InlineData("epsilon-plus", PruneMode.M)]
    public void Batch_MatchesEachSampleExplainedAlone(string composite, PruneMode mode)
    {
        // Convolution steps run sample by sample under pruning, so that each sample lists its relevance or not on its
        // own; a batch must give what each sample gives alone (dense layers batch their products, hence a tolerance).
        var model = Model.FromSpec(PlrpMListedTests.Wide(73));
        var options = new PruningOptions { Mode = mode, Sparsity = [0.99] };
        var batched = new Explainer(model, NamedComposites.Get(composite), options);
        var single = new Explainer(model, NamedComposites.Get(composite), options);
        const int batch = 3;
        var x = TestModels.Input(model, batch, 74);
        var together = PlrpModels.Run(batched, x);
        int size = x.Length / batch;
        for (int n = 0; n < batch; n++)
        {
            var alone = PlrpModels.Run(single, x.AsSpan(n * size, size).ToArray());
            double scale = alone.Max(v => Math.Abs((double)v));
            for (int i = 0; i < size; i++)
                Assert.True(Math.Abs(together[n * size + i] - alone[i]) <= 1e-5 * scale, $"sample {n}, entry {i}: {together[n * size + i]} alone {alone[i]}");
        }
    }
}
