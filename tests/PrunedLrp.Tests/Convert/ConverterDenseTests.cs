using PrunedLrp.Graph;
using Xunit;
using static PrunedLrp.Tests.Convert.ConverterTestHelpers;
using static PrunedLrp.Tests.Convert.OnnxBuilder;

namespace PrunedLrp.Tests.Convert;

public class ConverterDenseTests
{
    [Theory]
    [InlineData(false, 1f, 1f)]
    [InlineData(true, 1f, 1f)]
    [InlineData(true, 0.5f, 2f)]
    [InlineData(false, -1.5f, 0.25f)]
    public void Gemm_TransposeAlphaBeta_FoldedIntoDense(bool transB, float alpha, float beta)
    {
        var rng = new Random(1);
        int ins = 5, outs = 3;
        float[] b = Random(rng, ins * outs), c = Random(rng, outs), x = Random(rng, ins);
        var g = new OnnxBuilder(13, -1, ins);
        string y = g.Node("Gemm", [X, g.Init(b, transB ? [outs, ins] : [ins, outs]), g.Init(c, outs)],
            Int("transB", transB ? 1 : 0), Float("alpha", alpha), Float("beta", beta));
        var model = Import(g.Build(y, -1, outs));
        Assert.Equal([OpKind.Input, OpKind.Dense], Kinds(model));
        // Y = alpha * x B' + beta * C, computed straight from the ONNX definition.
        var expected = new float[outs];
        for (int o = 0; o < outs; o++)
        {
            double s = 0;
            for (int i = 0; i < ins; i++)
                s += x[i] * (transB ? b[o * ins + i] : b[i * outs + o]);
            expected[o] = (float)(alpha * s + beta * c[o]);
        }
        AssertClose(expected, ReferenceForward.Run(model, x));
    }

    [Fact]
    public void Gemm_ScalarC_Broadcasts()
    {
        var g = new OnnxBuilder(13, -1, 2);
        string y = g.Node("Gemm", [X, g.Init([1, 2, 3, 4], 2, 2), g.Init([10], 1)]);
        var model = Import(g.Build(y, -1, 2));
        Assert.Equal([10f, 10f], model.Nodes[1].Bias.ToArray());
    }

    [Fact]
    public void Gemm_TransA_IsRejected()
    {
        var g = new OnnxBuilder(13, -1, 2);
        string y = g.Node("Gemm", [X, g.Init([1, 2, 3, 4], 2, 2)], Int("transA", 1));
        Reject(g.Build(y), "Gemm", "transA");
    }

    [Fact]
    public void MatMulPlusConstant_BecomesDenseWithBias()
    {
        var rng = new Random(2);
        float[] w = Random(rng, 4 * 3), bias = Random(rng, 3), x = Random(rng, 4);
        var g = new OnnxBuilder(13, -1, 4);
        string mm = g.Node("MatMul", [X, g.Init(w, 4, 3)]);
        string y = g.Node("Add", [g.Init(bias, 3), mm]); // constant first: order must not matter
        var model = Import(g.Build(y, -1, 3));
        Assert.Equal([OpKind.Input, OpKind.Dense], Kinds(model));
        Assert.Equal([3, 4], model.Nodes[1].WeightShape);
        var expected = new float[3];
        for (int o = 0; o < 3; o++)
            expected[o] = bias[o] + Enumerable.Range(0, 4).Sum(i => x[i] * w[i * 3 + o]);
        AssertClose(expected, ReferenceForward.Run(model, x));
    }

    [Fact]
    public void AddConstant_WhenMatMulOutputHasAnotherReader_IsRejected()
    {
        var g = new OnnxBuilder(13, -1, 2);
        string mm = g.Node("MatMul", [X, g.Init([1, 2, 3, 4], 2, 2)]);
        string biased = g.Node("Add", [mm, g.Init([1, 1], 2)]);
        string y = g.Node("Add", [biased, mm]);
        Reject(g.Build(y), "Add", "bias");
    }

    [Fact]
    public void AddConstant_NotPerChannel_IsRejected()
    {
        var g = new OnnxBuilder(13, -1, 2, 4);
        string conv = g.Node("Conv", [X, g.Init(new float[3 * 2 * 1], 3, 2, 1)]);
        string y = g.Node("Add", [conv, g.Init(new float[4], 4)]); // broadcasts along the length axis, not channels
        Reject(g.Build(y), "per-channel bias");
    }

    [Fact]
    public void AddConstant_PerChannelAfterConv_FoldsIntoBias()
    {
        var g = new OnnxBuilder(13, -1, 2, 4);
        string conv = g.Node("Conv", [X, g.Init(new float[3 * 2 * 1], 3, 2, 1), g.Init([1, 2, 3], 3)]);
        string y = g.Node("Add", [conv, g.Init([10, 20, 30], 1, 3, 1)]);
        var model = Import(g.Build(y, -1, 3, 4));
        Assert.Equal([OpKind.Input, OpKind.Conv], Kinds(model));
        Assert.Equal([11f, 22f, 33f], model.Nodes[1].Bias.ToArray());
    }

    [Fact]
    public void MatMul_OnUnflattenedInput_IsRejected()
    {
        var g = new OnnxBuilder(13, -1, 2, 3);
        string y = g.Node("MatMul", [X, g.Init(new float[6], 3, 2)]);
        Reject(g.Build(y), "MatMul", "Flatten");
    }

    [Fact]
    public void DropoutAndIdentity_AreDropped_AndReluOutputIsFine()
    {
        var g = new OnnxBuilder(13, -1, 2);
        string d = g.Node("Dropout", [X]);
        string mm = g.Node("Gemm", [d, g.Init([1, 2, 3, 4], 2, 2)]);
        string i = g.Node("Identity", [mm]);
        string y = g.Node("Relu", [i]);
        Assert.Equal([OpKind.Input, OpKind.Dense, OpKind.Relu], Kinds(Import(g.Build(y, -1, 2))));
    }

    [Fact]
    public void DeadBranches_AreRemoved()
    {
        var g = new OnnxBuilder(13, -1, 2);
        g.Node("Relu", [X]); // read by nothing
        string y = g.Node("Gemm", [X, g.Init([1, 2, 3, 4], 2, 2)]);
        Assert.Equal([OpKind.Input, OpKind.Dense], Kinds(Import(g.Build(y, -1, 2))));
    }

    [Fact]
    public void FloatDataInitializers_AreRead()
    {
        var g = new OnnxBuilder(13, -1, 2);
        var w = FloatTensor("wf", [1, 2, 3, 4], [2, 2], raw: false);
        var model = g.Build(g.Node("Gemm", [X, "wf"]), -1, 2);
        model.Graph.Initializer.Add(w);
        Assert.Equal([1f, 3f, 2f, 4f], Import(model).Nodes[1].Weight.ToArray());
    }

    [Fact]
    public void OutputShapeDisagreeingWithDeclaration_IsRejected()
    {
        var g = new OnnxBuilder(13, -1, 2);
        string y = g.Node("Gemm", [X, g.Init([1, 2, 3, 4], 2, 2)]);
        Reject(g.Build(y, -1, 7), "declares [7]");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DropoutWithTrainingModeInput_OnlyFalseIsAccepted(bool training)
    {
        var g = new OnnxBuilder(13, -1, 2);
        var mode = new PrunedLrp.Convert.Onnx.TensorProto { Name = "mode", DataType = (int)PrunedLrp.Convert.Onnx.TensorProto.Types.DataType.Bool };
        mode.RawData = Google.Protobuf.ByteString.CopyFrom(training ? (byte)1 : (byte)0);
        string d = g.Node("Dropout", [X, g.Init([0.5f]), "mode"]);
        var model = g.Build(g.Node("Relu", [d]));
        model.Graph.Initializer.Add(mode);
        if (training)
            Reject(model, "training_mode");
        else
            Assert.Equal([OpKind.Input, OpKind.Relu], Kinds(Import(model)));
    }

    [Fact]
    public void UnusedInitializerOfUnsupportedType_IsIgnored_UsedOneIsRejected()
    {
        var g = new OnnxBuilder(13, -1, 2);
        var half = new PrunedLrp.Convert.Onnx.TensorProto { Name = "half", DataType = (int)PrunedLrp.Convert.Onnx.TensorProto.Types.DataType.Float16 };
        half.Dims.Add(1);
        half.RawData = Google.Protobuf.ByteString.CopyFrom(0, 0);
        var model = g.Build(g.Node("Relu", [X]));
        model.Graph.Initializer.Add(half);
        Assert.Equal([OpKind.Input, OpKind.Relu], Kinds(Import(model)));

        g = new OnnxBuilder(13, -1, 2);
        model = g.Build(g.Node("Add", [X, "half"]));
        model.Graph.Initializer.Add(half);
        Reject(model, "initializer 'half'", "data type 10");
    }
}
