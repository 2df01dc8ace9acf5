using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Rules;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>Bias-free ReLU networks conserve relevance under LRP-0 and z+: sum(R_input) = the target logit. Each
/// case also matches the hand-chained double-precision reference.</summary>
public class ConservationTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "dense", "conv2d", "conv1d" })
            foreach (var rule in new[] { "lrp0", "zplus" })
                data.Add(model, rule);
        return data;
    }

    static ModelSpec Build(string name, int seed) => name switch
    {
        "dense" => TestModels.DenseChain(seed, bias: false),
        "conv2d" => TestModels.Conv2dChain(seed, bias: false),
        // The avg pool's Norm rule (stabilizer 1e-6) also conserves up to eps, so keep it in.
        _ => TestModels.Conv1dChain(seed, bias: false),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BiasFreeReluChain_ConservesTargetLogit(string modelName, string ruleName)
    {
        var spec = Build(modelName, seed: 11);
        var model = Model.FromSpec(spec);
        Rule rule = ruleName == "lrp0" ? new Epsilon(0f) : new ZPlus();
        var composite = new Composite { Dense = rule, Conv = rule };
        var explainer = new Explainer(model, composite);
        const int batch = 3;
        var x = TestModels.Input(model, batch, seed: 12);
        var relevance = new float[x.Length];
        explainer.Explain(x, [], relevance);
        var logits = explainer.Logits;
        var graph = new ReferenceGraph(spec, _ => ReferenceGraph.For(rule));
        for (int n = 0; n < batch; n++)
        {
            int t = explainer.Targets[n];
            double logit = logits[n * model.OutputSize + t];
            Assert.True(Math.Abs(logit) > 1e-2, $"sample {n}: target logit {logit} too small to test conservation");
            var rn = relevance.AsSpan(n * model.InputSize, model.InputSize);
            double sum = 0;
            foreach (float v in rn)
                sum += v;
            Assert.True(Math.Abs(sum - logit) <= 1e-4 * Math.Abs(logit), $"sample {n}: sum(R) = {sum}, logit = {logit}");
            Assert.True(rn.ToArray().Count(v => v != 0) > model.InputSize / 4, "relevance should be spread over the input");

            var expected = graph.Explain(x.AsSpan(n * model.InputSize, model.InputSize), t)[0];
            Support.Compare.Close(rn, expected, 1e-3, $"{modelName} {ruleName} sample {n}");
        }
    }

    [Fact]
    public void WithBias_LrpZeroDoesNotConserve()
    {
        // The control: the same check must be able to fail. With biases, relevance leaks into them.
        var model = Model.FromSpec(TestModels.DenseChain(seed: 11, bias: true));
        var explainer = new Explainer(model, new Composite { Dense = new Epsilon(0f), Conv = new Epsilon(0f) });
        var x = TestModels.Input(model, 1, seed: 12);
        var r = explainer.Explain(x);
        double logit = explainer.Logits[explainer.Targets[0]];
        Assert.True(Math.Abs(r.Sum() - logit) > 1e-3 * Math.Abs(logit));
    }
}
