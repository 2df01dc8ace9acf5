using PrunedLrp.Graph;
using Xunit;
using static PrunedLrp.Tests.Convert.ConverterTestHelpers;
using static PrunedLrp.Tests.Convert.OnnxBuilder;

namespace PrunedLrp.Tests.Convert;

/// <summary>BatchNorm folding, reshape/flatten folding, residual Adds, input shapes and unsupported ops.</summary>
public class ConverterGraphTests
{
    static string BatchNorm(OnnxBuilder g, string x, float[] gamma, float[] beta, float[] mean, float[] variance, float eps) =>
        g.Node("BatchNormalization", [x, g.Init(gamma, gamma.Length), g.Init(beta, beta.Length), g.Init(mean, mean.Length), g.Init(variance, variance.Length)], Float("epsilon", eps));

    [Fact]
    public void BatchNormAfterConv_IsFolded_AndMatchesConvThenNormalize()
    {
        var rng = new Random(4);
        int c = 3, outC = 4, len = 7;
        float[] w = Random(rng, outC * c * 3), b = Random(rng, outC), x = Random(rng, c * len);
        float[] gamma = Random(rng, outC), beta = Random(rng, outC), mean = Random(rng, outC);
        float[] variance = Random(rng, outC).Select(v => v * v + 0.1f).ToArray();
        var g = new OnnxBuilder(13, -1, c, len);
        string conv = g.Node("Conv", [X, g.Init(w, outC, c, 3), g.Init(b, outC)], Ints("pads", 1, 1));
        string y = BatchNorm(g, conv, gamma, beta, mean, variance, 1e-3f);
        var model = Import(g.Build(y));
        Assert.Equal([OpKind.Input, OpKind.Conv], Kinds(model));

        // Independent: the unfolded conv, then (z - mean) / sqrt(var + eps) * gamma + beta per channel.
        var plain = new ModelSpec
        {
            InputShape = [c, len],
            Nodes = [new NodeSpec { Kind = OpKind.Input }, new NodeSpec { Kind = OpKind.Conv, Inputs = [0], Kernel = [3], Strides = [1], PadsBegin = [1], PadsEnd = [1], Dilations = [1], WeightShape = [outC, c, 3], Weight = w, Bias = b }],
        };
        float[] z = ReferenceForward.Run(plain, x);
        float[] expected = z.Select((v, i) => { int o = i / len; return (float)((v - mean[o]) / Math.Sqrt(variance[o] + 1e-3) * gamma[o] + beta[o]); }).ToArray();
        AssertClose(expected, ReferenceForward.Run(model, x));
    }

    [Fact]
    public void BatchNormAfterConvWithAnotherReader_StaysAffine()
    {
        var g = new OnnxBuilder(13, -1, 2, 5);
        string conv = g.Node("Conv", [X, g.Init(new float[2 * 2], 2, 2, 1)]);
        string bn = BatchNorm(g, conv, [2, 2], [1, 1], [0, 0], [3, 3], 1f);
        string y = g.Node("Add", [bn, conv]);
        var model = Import(g.Build(y));
        Assert.Equal([OpKind.Input, OpKind.Conv, OpKind.Affine, OpKind.Add], Kinds(model));
        Assert.Equal([1f, 1f], model.Nodes[2].Weight.ToArray()); // 2 / sqrt(3 + 1)
        Assert.Equal([1f, 1f], model.Nodes[2].Bias.ToArray());
    }

    [Fact]
    public void BatchNormAfterReluOrInput_StaysAffine()
    {
        var g = new OnnxBuilder(13, -1, 2);
        string bn = BatchNorm(g, X, [1, 4], [0, 1], [1, 2], [0, 3], 1f);
        string y = g.Node("Relu", [bn]);
        var model = Import(g.Build(y));
        Assert.Equal([OpKind.Input, OpKind.Affine, OpKind.Relu], Kinds(model));
        // s = gamma / sqrt(var + eps) = [1, 2]; t = beta - mean * s = [-1, -3].
        Assert.Equal([1f, 2f], model.Nodes[1].Weight.ToArray());
        Assert.Equal([-1f, -3f], model.Nodes[1].Bias.ToArray());
    }

    [Fact]
    public void BatchNorm_TrainingModeOrWrongLength_IsRejected()
    {
        var g = new OnnxBuilder(14, -1, 2);
        string bn = g.Node("BatchNormalization", [X, g.Init([1, 1], 2), g.Init([0, 0], 2), g.Init([0, 0], 2), g.Init([1, 1], 2)], Int("training_mode", 1));
        Reject(g.Build(bn), "training_mode");

        g = new OnnxBuilder(13, -1, 2);
        bn = BatchNorm(g, X, [1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1], 1e-5f);
        Reject(g.Build(bn), "3 channels");
    }

    [Fact]
    public void ReshapeFromShapeGatherUnsqueezeConcatChain_BecomesFlatten()
    {
        // x.view(x.size(0), -1) as exported by PyTorch (opset 13: Unsqueeze axes as an input).
        var g = new OnnxBuilder(13, -1, 2, 3, 4);
        string shape = g.Node("Shape", [X]);
        string batch = g.Node("Gather", [shape, g.Constant([0])], Int("axis", 0));
        string unsq = g.Node("Unsqueeze", [batch, g.Constant([0], 1)]);
        string target = g.Node("Concat", [unsq, g.Constant([-1], 1)], Int("axis", 0));
        string flat = g.Node("Reshape", [X, target]);
        string y = g.Node("Gemm", [flat, g.Init(new float[24 * 2], 2, 24)], Int("transB", 1));
        var model = Import(g.Build(y, -1, 2));
        Assert.Equal([OpKind.Input, OpKind.Flatten, OpKind.Dense], Kinds(model));
    }

    [Fact]
    public void ReshapeChainWithAttributeAxes_Opset11_BecomesFlatten()
    {
        var g = new OnnxBuilder(11, -1, 2, 3);
        string shape = g.Node("Shape", [X]);
        string batch = g.Node("Gather", [shape, g.Constant([0])]);
        string unsq = g.Node("Unsqueeze", [batch], Ints("axes", 0));
        string target = g.Node("Concat", [unsq, g.Constant([6], 1)], Int("axis", 0));
        string y = g.Node("Reshape", [X, target]);
        Assert.Equal([OpKind.Input, OpKind.Flatten], Kinds(Import(g.Build(y, -1, 6))));
    }

    [Theory]
    [InlineData(new long[] { 0, -1 }, true)]
    [InlineData(new long[] { -1, 12 }, true)]
    [InlineData(new long[] { 1, -1 }, false)]
    [InlineData(new long[] { -1, 3, 4 }, false)]
    [InlineData(new long[] { -1 }, false)]
    public void ReshapeConstantTarget(long[] target, bool ok)
    {
        var g = new OnnxBuilder(13, -1, 3, 4);
        string y = g.Node("Reshape", [X, g.InitInts(target, target.Length)]);
        if (ok)
            Assert.Equal([OpKind.Input, OpKind.Flatten], Kinds(Import(g.Build(y))));
        else
            Reject(g.Build(y), "Reshape", "[batch, -1]");
    }

    [Fact]
    public void FlattenAfterGlobalPool_IsKept_AndOtherAxesRejected()
    {
        var g = new OnnxBuilder(13, -1, 3, 4, 4);
        string gap = g.Node("GlobalAveragePool", [X]);
        string y = g.Node("Flatten", [gap], Int("axis", 1));
        var model = Import(g.Build(y, -1, 3));
        Assert.Equal([OpKind.Input, OpKind.GlobalAvgPool, OpKind.Flatten], Kinds(model));
        Assert.Equal([3], ShapeInference.Infer(model)[^1]);

        g = new OnnxBuilder(13, -1, 3, 4, 4);
        Reject(g.Build(g.Node("Flatten", [X], Int("axis", 2))), "axis 2");
    }

    [Fact]
    public void ConvOnGlobalPoolOutput_IsRejected()
    {
        var g = new OnnxBuilder(13, -1, 3, 4, 4);
        string gap = g.Node("GlobalAveragePool", [X]);
        Reject(g.Build(g.Node("Conv", [gap, g.Init(new float[3], 1, 3, 1, 1)])), "no spatial axis");
    }

    [Fact]
    public void ResidualAdd_OfTwoTensors_AndShapeMismatchRejected()
    {
        var g = new OnnxBuilder(13, -1, 2, 5);
        string conv = g.Node("Conv", [X, g.Init(new float[2 * 2 * 3], 2, 2, 3)], Ints("pads", 1, 1));
        string y = g.Node("Relu", [g.Node("Add", [conv, X])]);
        var model = Import(g.Build(y));
        Assert.Equal([OpKind.Input, OpKind.Conv, OpKind.Add, OpKind.Relu], Kinds(model));
        Assert.Equal([1, 0], model.Nodes[2].Inputs);

        g = new OnnxBuilder(13, -1, 2, 5);
        conv = g.Node("Conv", [X, g.Init(new float[2 * 2 * 3], 2, 2, 3)]);
        Reject(g.Build(g.Node("Add", [conv, X])), "equal shapes");
    }

    [Fact]
    public void UnsupportedOp_NamesOpNodeAndSupportedList()
    {
        var g = new OnnxBuilder(13, -1, 4);
        string y = g.Node("Sigmoid", [X]);
        string message = Reject(g.Build(y), "'Sigmoid'", "/sigmoid_0", "supported: Conv, Gemm");
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherDomainAndOpset_AreRejected()
    {
        var g = new OnnxBuilder(13, -1, 4);
        var model = g.Build(g.Node("Relu", [X]));
        model.Graph.Node[0].Domain = "com.microsoft";
        Reject(model, "domain 'com.microsoft'");

        g = new OnnxBuilder(19, -1, 4);
        Reject(g.Build(g.Node("Relu", [X])), "opset 19");
    }

    [Fact]
    public void SymbolicInputDims_NeedInputShape()
    {
        var g = new OnnxBuilder(13, -1, 3, -1, -1);
        var model = g.Build(g.Node("Relu", [X]));
        Reject(model, "symbolic", "--input-shape");
        Assert.Equal([3, 8, 9], Import(model, [3, 8, 9]).InputShape);
        var e = Assert.Throws<PrunedLrp.Convert.ConversionException>(() => Import(model, [4, 8, 9]));
        Assert.Contains("fixes it to 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<PrunedLrp.Convert.ConversionException>(() => Import(model, [3, 8]));
        Assert.Contains("--input-shape", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputListedAmongInitializers_IsSkipped()
    {
        // Old exporters list every initializer as a graph input too.
        var g = new OnnxBuilder(11, -1, 2);
        string w = g.Init([1, 2, 3, 4], 2, 2);
        var model = g.Build(g.Node("Gemm", [X, w]), -1, 2);
        model.Graph.Input.Add(ValueInfo(w, [2, 2]));
        Assert.Equal([2], Import(model).InputShape);
    }

    [Fact]
    public void ConstantNodeForms_AreRead()
    {
        var g = new OnnxBuilder(13, -1, 2);
        var floats = new PrunedLrp.Convert.Onnx.AttributeProto { Name = "value_floats", Type = PrunedLrp.Convert.Onnx.AttributeProto.Types.AttributeType.Floats };
        floats.Floats.Add([5f, 6f]);
        string bias = g.Node("Constant", [], floats);
        string mm = g.Node("MatMul", [X, g.Init([1, 0, 0, 1], 2, 2)]);
        var model = Import(g.Build(g.Node("Add", [mm, bias]), -1, 2));
        Assert.Equal([5f, 6f], model.Nodes[1].Bias.ToArray());
    }

    [Fact]
    public void ExternalData_AndMissingInputs_AreRejected()
    {
        var g = new OnnxBuilder(13, -1, 2);
        var model = g.Build(g.Node("Gemm", [X, g.Init([1, 2, 3, 4], 2, 2)]));
        model.Graph.Initializer[0].DataLocation = PrunedLrp.Convert.Onnx.TensorProto.Types.DataLocation.External;
        Reject(model, "external");

        g = new OnnxBuilder(13, -1, 2);
        Reject(g.Build(g.Node("Relu", ["nowhere"])), "'nowhere'", "topologically");

        g = new OnnxBuilder(13, -1, 2);
        var bad = g.Build(g.Node("Gemm", [X, g.Init([1, 2, 3], 2, 2)]));
        Reject(bad, "holds 12 data units, its dims need 16");
    }
}
