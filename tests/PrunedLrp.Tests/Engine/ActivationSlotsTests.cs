using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Rules;
using PrunedLrp.Tests.Explain;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Engine;

/// <summary>The predictor's shared activation buffers: no node's output is overwritten while a later node still reads
/// it, and the logits are bit-identical to a pass that keeps every output (the explainer's).</summary>
public class ActivationSlotsTests
{
    public static TheoryData<string> Models() => ["dense", "conv2d", "conv1d", "residual", "inner-residual", "blocks"];

    static ModelSpec Spec(string name) => name switch
    {
        "dense" => TestModels.DenseChain(71, bias: true),
        "conv2d" => TestModels.Conv2dChain(71, bias: true),
        "conv1d" => TestModels.Conv1dChain(71, bias: true),
        "residual" => TestModels.Residual(71),
        "inner-residual" => TestModels.InnerResidual(71),
        _ => Blocks(71),
    };

    /// <summary>Two residual blocks (the second adds its block input first, so the in-place candidate is the input that
    /// lives longer), a ReLU whose input is read again after it, an Add of a node with itself, and a flatten:
    /// [3, 8, 8] -> conv -> relu (a) -> conv -> (+ a) -> relu (b) -> conv (t) -> relu (u) -> (u + t) (v) -> (b + v)
    /// -> relu (c) -> (c + c) -> conv -> flatten -> dense 5.</summary>
    static ModelSpec Blocks(int seed)
    {
        var b = new SpecBuilder([3, 8, 8], seed);
        b.Conv(4, [3, 3], padsBegin: [1, 1]);
        int a = b.Op(OpKind.Relu);
        int c1 = b.Conv(4, [3, 3], padsBegin: [1, 1]);
        b.Op(OpKind.Add, c1, a);
        int r = b.Op(OpKind.Relu);
        int t = b.Conv(4, [3, 3], padsBegin: [1, 1]);
        int u = b.Op(OpKind.Relu);
        int v = b.Op(OpKind.Add, u, t);
        b.Op(OpKind.Add, r, v);
        int c = b.Op(OpKind.Relu);
        int twice = b.Op(OpKind.Add, c, c);
        b.Conv(2, [3, 3], from: twice);
        b.Op(OpKind.Flatten);
        b.Dense(5);
        return b.Build();
    }

    /// <summary>
    /// Which nodes take their ReLU inside them. In <see cref="Blocks"/>: the first conv (read only by its ReLU) and the
    /// sum before relu (b) do; conv t does not (its ReLU u and the sum v both read it), nor a node whose output is kept.
    /// The bit-exact logits test above then compares the fused pass with one that keeps (so never fuses) every output.
    /// </summary>
    [Fact]
    public void Workspace_FusesOnlyReluOfAnOtherwiseUnreadOutput()
    {
        var model = Model.FromSpec(Blocks(71));
        var none = new Workspace(model, keep: new bool[model.NodeCount]);
        Assert.True(none.Rectifies(1));  // conv -> relu (a)
        Assert.True(none.Rectifies(4));  // (c1 + a) -> relu (b)
        Assert.False(none.Rectifies(6)); // conv t: read by relu u and by the sum v
        Assert.False(none.Rectifies(2)); // a ReLU itself
        var keepFirst = new bool[model.NodeCount];
        keepFirst[1] = true;
        Assert.False(new Workspace(model, keepFirst).Rectifies(1));
        Assert.False(new Workspace(model).Rectifies(1)); // no keep list: every output kept
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Predictor_LogitsEqualTheCachingPass(string name)
    {
        var model = Model.FromSpec(Spec(name));
        var x = TestModels.Input(model, 3, 72);
        var logits = new float[3 * model.OutputSize];
        new Predictor(model).Predict(x, logits);
        var explainer = new Explainer(model, new Composite { Dense = new Epsilon(), Conv = new Epsilon() });
        explainer.Explain(x, [], new float[x.Length]);
        Assert.Equal(explainer.Logits.ToArray(), logits);
        Assert.Equal(explainer.Logits.ToArray(), logits); // and again, with the buffers as the first pass left them
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Assign_NeverHandsOutABufferStillToBeRead(string name)
    {
        var model = Model.FromSpec(Spec(name));
        var (slotOf, sizes) = ActivationSlots.Assign(model);
        int count = model.NodeCount;
        int LastRead(int id) => id == 0 || id == count - 1 || model.Readers[id].Length == 0 ? int.MaxValue : model.Readers[id].Max();
        for (int id = 0; id < count; id++)
        {
            Assert.True(sizes[slotOf[id]] >= model.NodeSizes[id], $"node {id} does not fit its buffer");
            var layer = model.Layers[id];
            for (int j = 0; j < id; j++)
            {
                if (slotOf[j] != slotOf[id] || LastRead(j) < id)
                    continue;
                // Sharing with a node still alive is allowed only in place: j is the elementwise layer's first input,
                // read last by it, and not its second input.
                bool inPlace = layer is { ForwardInPlace: true } && layer.Inputs[0] == j && LastRead(j) == id
                    && (layer.Inputs.Length == 1 || layer.Inputs[1] != j || layer.Inputs[0] == layer.Inputs[1]);
                Assert.True(inPlace, $"node {id} takes node {j}'s buffer, which node {LastRead(j)} still reads");
            }
        }
        Assert.NotEqual(slotOf[0], slotOf[count - 1]);
        Assert.True(sizes.Length < count - 1, $"{sizes.Length} buffers for {count} nodes: nothing shared");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Assign_KeptNodesHoldTheirBuffersToTheEnd(string name)
    {
        var model = Model.FromSpec(Spec(name));
        var rng = new Random(name.Length);
        for (int trial = 0; trial < 8; trial++)
        {
            var keep = Enumerable.Range(0, model.NodeCount).Select(_ => rng.Next(3) == 0).ToArray();
            var (slotOf, _) = ActivationSlots.Assign(model, keep);
            for (int id = 0; id < model.NodeCount; id++)
            {
                if (!keep[id]) continue;
                for (int later = id + 1; later < model.NodeCount; later++)
                    Assert.True(slotOf[later] != slotOf[id], $"kept node {id}'s buffer goes to node {later}");
            }
        }
    }
}
