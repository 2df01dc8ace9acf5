using PrunedLrp.Composites;
using PrunedLrp.Pruning;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>
/// Explainers made with <c>keepNodeRelevance: false</c> share relevance buffers between nodes that are not alive at the
/// same time: their results must be bit for bit those of an explainer that keeps every node, on chains, residual graphs
/// (several readers, merged contributions) and PLRP-M (whose re-runs read the readers' relevance again).
/// </summary>
public class SharedRelevanceTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string model in new[] { "dense", "conv2d", "conv1d", "residual", "inner-residual", "resnet_small" })
            foreach (string composite in new[] { "epsilon-plus-flat", "epsilon-gamma-box", "epsilon" })
                foreach (string prune in new[] { "none", "lambda", "m" })
                    data.Add(model, composite, prune);
        return data;
    }

    static Model Build(string name) => name switch
    {
        "dense" => Model.FromSpec(TestModels.DenseChain(seed: 1, bias: true)),
        "conv2d" => Model.FromSpec(TestModels.Conv2dChain(seed: 2, bias: true)),
        "conv1d" => Model.FromSpec(TestModels.Conv1dChain(seed: 3, bias: true)),
        "residual" => Model.FromSpec(TestModels.Residual(seed: 4)),
        "inner-residual" => Model.FromSpec(TestModels.InnerResidual(seed: 5)),
        _ => Model.Load(CommandLine.ConvertedModel(Path.Combine(FixtureCases.Root("models"), name, "model.onnx"))),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SharedBuffers_GiveTheSameRelevance(string modelName, string compositeName, string prune)
    {
        var model = Build(modelName);
        var composite = NamedComposites.Get(compositeName, new CompositeOptions { Low = [-1f], High = [1f] });
        var pruning = prune == "none" ? null
            : new PruningOptions { Mode = prune == "m" ? PruneMode.M : PruneMode.Lambda, Sparsity = [0.9] };
        var keeping = new Explainer(model, composite, pruning);
        var sharing = new Explainer(model, composite, pruning, keepNodeRelevance: false);
        const int batch = 3;
        var x = TestModels.Input(model, batch, seed: 7);
        var expected = new float[x.Length];
        var actual = new float[x.Length];
        keeping.Explain(x, [], expected);
        sharing.Explain(x, [], actual);
        sharing.Explain(x, [], actual); // a second call starts from buffers the first one left behind
        Assert.Equal(expected, actual);
        foreach (int p in sharing.PruningPoints)
            Assert.Equal(keeping.NodeRelevance(p).ToArray(), sharing.NodeRelevance(p).ToArray());
        Assert.Equal(keeping.NodeRelevance(model.NodeCount - 1).ToArray(), sharing.NodeRelevance(model.NodeCount - 1).ToArray());
    }

    [Fact]
    public void NodeRelevance_OfASharedNode_Throws()
    {
        var model = Build("conv2d");
        var sharing = new Explainer(model, NamedComposites.Get("epsilon"), keepNodeRelevance: false);
        sharing.Explain(TestModels.Input(model, 1, seed: 8));
        Assert.Equal(model.InputSize, sharing.NodeRelevance(0).Length);
        var e = Assert.Throws<InvalidOperationException>(() => sharing.NodeRelevance(1).ToArray());
        Assert.Contains("keepNodeRelevance", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => sharing.NodeRelevance(model.NodeCount).ToArray());
    }

    [Fact]
    public void Slots_AreFewerThanNodes()
    {
        // resnet_small: 18 nodes; in its backward pass at most a handful of relevances are alive at once.
        var model = Build("resnet_small");
        var (slotOf, sizes) = RelevanceSlots.Assign(model, new bool[model.NodeCount], maskedRerun: false, Passes(model));
        Assert.Equal(model.NodeCount, slotOf.Length);
        Assert.True(sizes.Length <= model.NodeCount / 2, $"{sizes.Length} buffers for {model.NodeCount} nodes");
        Assert.True(sizes.Sum() < 0.6 * model.NodeSizes.Sum(), $"{sizes.Sum()} floats a sample for {model.NodeSizes.Sum()}");
    }

    [Theory]
    [InlineData("resnet_small", false)]
    [InlineData("resnet_small", true)]
    [InlineData("conv2d", false)]
    public void Slots_ANodeReadOnlyByAPassStep_SharesItsBuffer(string modelName, bool maskedRerun)
    {
        // Its relevance is the reader's, so the Pass step finds R_in and R_out the same and copies nothing; pruning
        // points keep their own buffers and are never the sharing node.
        var model = Build(modelName);
        var passes = Passes(model);
        var isPoint = model.Layers.Select(l => l is not null && model.Readers[l.Id].Any(r => model.Layers[r] is PrunedLrp.Layers.LinearLayer)).ToArray();
        var (slotOf, _) = RelevanceSlots.Assign(model, isPoint, maskedRerun, passes);
        int shared = 0;
        for (int id = 1; id < model.NodeCount - 1; id++)
        {
            if (isPoint[id] || model.Readers[id] is not [var reader] || !passes[reader])
                continue;
            Assert.Equal(slotOf[reader], slotOf[id]);
            shared++;
        }
        Assert.True(shared > 0, "the model has convolutions read only by their ReLUs");
    }

    static bool[] Passes(Model model) =>
        model.Layers.Select(l => l is PrunedLrp.Layers.IRelevanceStep { PassesRelevance: true }).ToArray();
}
