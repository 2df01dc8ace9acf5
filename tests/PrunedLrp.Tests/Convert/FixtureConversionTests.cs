using PrunedLrp.Convert;
using PrunedLrp.Graph;
using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.Convert;

/// <summary>Converts the Zennit reference models and checks structure, and logits with a plain reference forward.</summary>
public class FixtureConversionTests
{
    static string Fixture(string name, string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "zennit", name, file);

    static ModelSpec Convert(string name) =>
        PrunedLrp.Convert.Program.Convert(new ConvertOptions(Fixture(name, "model.onnx"), "unused", null, null, false));

    static OpKind[] Kinds(ModelSpec m) => m.Nodes.Select(n => n.Kind).ToArray();

    [Theory]
    [InlineData("mlp_bn", 2e-5)]
    [InlineData("cnn2d_b", 2e-5)]
    [InlineData("cnn1d_dilated", 2e-5)]
    [InlineData("resnet_bottleneck", 2e-5)]
    public void Fixture_ReferenceForwardMatchesPyTorchLogits(string name, double tolerance)
    {
        var model = Convert(name);
        // Through the file format too: what the engine will load.
        model = ModelFile.Read(ModelFile.ToBytes(model), name);
        var inputArray = PrunedLrp.IO.NpyFile.Read(Fixture(name, "input.npy"));
        var (input, inputShape) = (inputArray.Data, inputArray.Shape);
        var logitsArray = PrunedLrp.IO.NpyFile.Read(Fixture(name, "logits.npy"));
        var (logits, logitShape) = (logitsArray.Data, logitsArray.Shape);
        Assert.Equal(model.InputShape, inputShape[1..]);
        int samples = inputShape[0], inSize = input.Length / samples, outSize = logitShape[1];
        for (int s = 0; s < samples; s++)
        {
            var y = ReferenceForward.Run(model, input[(s * inSize)..((s + 1) * inSize)]);
            var expected = logits[(s * outSize)..((s + 1) * outSize)];
            double scale = expected.Max(v => Math.Abs(v));
            for (int j = 0; j < outSize; j++)
                Assert.True(Math.Abs(y[j] - expected[j]) <= tolerance * scale, $"{name} sample {s} logit {j}: {y[j]} vs {expected[j]}");
        }
    }

    [Fact]
    public void MlpBn_BatchNormFoldedIntoFirstDense()
    {
        var m = Convert("mlp_bn");
        Assert.Equal([OpKind.Input, OpKind.Dense, OpKind.Relu, OpKind.Dense], Kinds(m));
        Assert.Equal([24, 20], m.Nodes[1].WeightShape);
        Assert.Equal(24, m.Nodes[1].Bias.Length);
        Assert.Equal([20], m.InputShape);
    }

    [Fact]
    public void Cnn2dB_NoBatchNormAndPoolsKept()
    {
        var m = Convert("cnn2d_b");
        Assert.Equal([OpKind.Input, OpKind.Conv, OpKind.Relu, OpKind.MaxPool, OpKind.Conv, OpKind.Relu, OpKind.AvgPool,
            OpKind.Flatten, OpKind.Dense, OpKind.Relu, OpKind.Dense], Kinds(m));
        Assert.DoesNotContain(m.Nodes, n => n.Kind == OpKind.Affine);
        var shapes = ShapeInference.Infer(m);
        Assert.Equal([16, 2, 2], shapes[6]);
        // The export's Pad before AveragePool pads nothing (AvgPool2d(2) without padding): no pads after folding.
        Assert.Equal([0, 0], m.Nodes[6].PadsBegin);
        Assert.Equal([10], shapes[^1]);
    }

    [Fact]
    public void Cnn1dDilated_DilationStrideAndGlobalPool()
    {
        var m = Convert("cnn1d_dilated");
        Assert.Equal([4, 96], m.InputShape);
        var conv = m.Nodes.Where(n => n.Kind == OpKind.Conv).ToArray();
        Assert.Equal([1, 4, 1], conv.Select(c => c.Dilations[0]));
        Assert.Equal([1, 1, 2], conv.Select(c => c.Strides[0]));
        Assert.Equal([3, 4, 1], conv.Select(c => c.PadsBegin[0]));
        var shapes = ShapeInference.Infer(m);
        int gap = m.Nodes.ToList().FindIndex(n => n.Kind == OpKind.GlobalAvgPool);
        Assert.Equal([8], shapes[gap]);
        Assert.Equal([3], shapes[^1]);
    }

    [Fact]
    public void ResnetBottleneck_ResidualAddsReadTwoBranches()
    {
        var m = Convert("resnet_bottleneck");
        var adds = m.Nodes.Select((n, id) => (n, id)).Where(t => t.n.Kind == OpKind.Add).ToArray();
        Assert.Equal(2, adds.Length);
        var shapes = ShapeInference.Infer(m);
        // First block: identity shortcut from the MaxPool; second: strided 1x1 projection (a Conv).
        Assert.Equal(OpKind.MaxPool, m.Nodes[adds[0].n.Inputs[1]].Kind);
        Assert.Equal(OpKind.Conv, m.Nodes[adds[1].n.Inputs[1]].Kind);
        Assert.Equal([2, 2], m.Nodes[adds[1].n.Inputs[1]].Strides);
        Assert.Equal([32, 6, 6], shapes[adds[1].id]);
        Assert.DoesNotContain(m.Nodes, n => n.Kind == OpKind.Affine);
    }
}
