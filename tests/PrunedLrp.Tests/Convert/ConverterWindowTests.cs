using PrunedLrp.Graph;
using Xunit;
using static PrunedLrp.Tests.Convert.ConverterTestHelpers;
using static PrunedLrp.Tests.Convert.OnnxBuilder;

namespace PrunedLrp.Tests.Convert;

/// <summary>Conv and pooling attributes, auto_pad, and zero-Pad folding.</summary>
public class ConverterWindowTests
{
    [Fact]
    public void Conv2d_AsymmetricPadsStridesDilationsGroups_MapToNode()
    {
        var rng = new Random(3);
        var g = new OnnxBuilder(13, -1, 4, 9, 10);
        string y = g.Node("Conv", [X, g.Init(Random(rng, 6 * 2 * 3 * 2), 6, 2, 3, 2), g.Init(Random(rng, 6), 6)],
            Ints("kernel_shape", 3, 2), Ints("strides", 2, 1), Ints("pads", 1, 0, 2, 1), Ints("dilations", 1, 2), Int("group", 2));
        var model = Import(g.Build(y));
        var conv = model.Nodes[1];
        Assert.Equal([1, 0], conv.PadsBegin);   // ONNX pads = [top, left, bottom, right]
        Assert.Equal([2, 1], conv.PadsEnd);
        Assert.Equal([2, 1], conv.Strides);
        Assert.Equal([1, 2], conv.Dilations);
        Assert.Equal(2, conv.Groups);
        Assert.Equal([6, 2, 3, 2], conv.WeightShape);
        // (9 + 1 + 2 - 3) / 2 + 1 = 5 rows; (10 + 0 + 1 - 3) / 1 + 1 = 9 columns.
        Assert.Equal([6, 5, 9], ShapeInference.Infer(model)[^1]);
    }

    [Fact]
    public void Conv1d_AutoPadValid_HasNoPads()
    {
        var g = new OnnxBuilder(13, -1, 2, 8);
        string y = g.Node("Conv", [X, g.Init(new float[3 * 2 * 3], 3, 2, 3)], Str("auto_pad", "VALID"));
        var model = Import(g.Build(y));
        Assert.Equal([0], model.Nodes[1].PadsBegin);
        Assert.Equal([3, 6], ShapeInference.Infer(model)[^1]);
    }

    [Theory]
    [InlineData("SAME_UPPER")]
    [InlineData("SAME_LOWER")]
    public void Conv_AutoPadSame_IsRejected(string autoPad)
    {
        var g = new OnnxBuilder(13, -1, 2, 8);
        string y = g.Node("Conv", [X, g.Init(new float[3 * 2 * 3], 3, 2, 3)], Str("auto_pad", autoPad));
        Reject(g.Build(y), "auto_pad", autoPad, "Conv");
    }

    [Fact]
    public void Conv_BadAttributes_AreRejected()
    {
        var g = new OnnxBuilder(13, -1, 2, 8);
        string a = g.Node("Conv", [X, g.Init(new float[3 * 2 * 3], 3, 2, 3)], Ints("strides", 0));
        Reject(g.Build(a), "strides value 0");

        g = new OnnxBuilder(13, -1, 2, 8);
        a = g.Node("Conv", [X, g.Init(new float[3 * 2 * 3], 3, 2, 3)], Ints("pads", 1));
        Reject(g.Build(a), "pads has 1 values, want 2");

        g = new OnnxBuilder(13, -1, 2, 8);
        a = g.Node("Conv", [X, g.Init(new float[3 * 2 * 3], 3, 2, 3)], Ints("kernel_shape", 5));
        Reject(g.Build(a), "kernel_shape [5] disagrees");

        g = new OnnxBuilder(13, -1, 3, 8);
        a = g.Node("Conv", [X, g.Init(new float[4 * 2 * 3], 4, 2, 3)], Int("group", 2));
        Reject(g.Build(a), "groups 2 must divide");

        g = new OnnxBuilder(13, -1, 2, 8);
        a = g.Node("Conv", [X, X]);
        Reject(g.Build(a), "must be a constant");
    }

    [Fact]
    public void Pools_AttributesMap()
    {
        var g = new OnnxBuilder(13, -1, 2, 9, 9);
        string m = g.Node("MaxPool", [X], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1), Ints("dilations", 1, 2), Int("ceil_mode", 1));
        string y = g.Node("AveragePool", [m], Ints("kernel_shape", 2, 2), Ints("pads", 0, 1, 0, 1), Int("count_include_pad", 1));
        var model = Import(g.Build(y));
        Assert.Equal([1, 2], model.Nodes[1].Dilations);
        Assert.True(model.Nodes[1].CeilMode);
        Assert.True(model.Nodes[2].CountIncludePad);
        Assert.Equal([0, 1], model.Nodes[2].PadsBegin);
    }

    [Fact]
    public void MaxPool_StorageOrderAndIndices_AreRejected()
    {
        var g = new OnnxBuilder(13, -1, 2, 8);
        string y = g.Node("MaxPool", [X], Ints("kernel_shape", 2), Int("storage_order", 1));
        Reject(g.Build(y), "storage_order");

        g = new OnnxBuilder(13, -1, 2, 8);
        var outs = g.NodeWithOutputs("MaxPool", [X], 2, Ints("kernel_shape", 2));
        y = g.Node("Add", [outs[0], outs[1]]);
        Reject(g.Build(y), "indices");
    }

    /// <summary>Zero-pads [C, H, W] explicitly and averages each window over the padded input (windows running past
    /// its end are clipped), exactly what ONNX Pad + AveragePool(pads 0) computes.</summary>
    static float[] PadThenAverage(float[] x, int c, int h, int w, int p, int k, int s, bool ceil, out int oh, out int ow)
    {
        int hp = h + 2 * p, wp = w + 2 * p;
        var padded = new float[c * hp * wp];
        for (int ch = 0; ch < c; ch++)
        {
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                    padded[(ch * hp + i + p) * wp + j + p] = x[(ch * h + i) * w + j];
            }
        }
        int Count(int n) => (ceil ? (n - k + s - 1) / s : (n - k) / s) + 1;
        oh = Count(hp);
        ow = Count(wp);
        var y = new float[c * oh * ow];
        for (int ch = 0; ch < c; ch++)
        {
            for (int a = 0; a < oh; a++)
            {
                for (int b = 0; b < ow; b++)
                {
                    double sum = 0;
                    int n = 0;
                    for (int i = a * s; i < Math.Min(a * s + k, hp); i++)
                    {
                        for (int j = b * s; j < Math.Min(b * s + k, wp); j++, n++)
                            sum += padded[(ch * hp + i) * wp + j];
                    }
                    y[(ch * oh + a) * ow + b] = (float)(sum / n);
                }
            }
        }
        return y;
    }

    [Theory]
    [InlineData(7, 3, 2, 1, false)]
    [InlineData(8, 3, 2, 1, false)]
    [InlineData(8, 3, 2, 1, true)] // last window runs past the padded input: divisor clipped as in PyTorch
    [InlineData(6, 2, 2, 1, false)]
    public void PadThenAveragePool_FoldsToCountIncludePad_AndMatchesExplicitPadding(int size, int k, int s, int p, bool ceil)
    {
        // PyTorch AvgPool2d(k, s, padding=p) (count_include_pad=True) exports as Pad(p) + AveragePool(pads 0).
        var rng = new Random(size * 10 + k);
        int c = 2;
        float[] x = Random(rng, c * size * size);
        var g = new OnnxBuilder(13, -1, c, size, size);
        string padded = g.Node("Pad", [X, g.Constant([0, 0, p, p, 0, 0, p, p], 8)], Str("mode", "constant"));
        string y = g.Node("AveragePool", [padded], Ints("kernel_shape", k, k), Ints("strides", s, s), Ints("pads", 0, 0, 0, 0), Int("ceil_mode", ceil ? 1 : 0));
        var model = Import(g.Build(y));
        Assert.Equal([OpKind.Input, OpKind.AvgPool], Kinds(model));
        var pool = model.Nodes[1];
        Assert.True(pool.CountIncludePad);
        Assert.Equal([p, p], pool.PadsBegin);
        Assert.Equal([p, p], pool.PadsEnd);
        float[] expected = PadThenAverage(x, c, size, size, p, k, s, ceil, out int oh, out int ow);
        Assert.Equal([c, oh, ow], ShapeInference.Infer(model)[^1]);
        AssertClose(expected, ReferenceForward.Run(model, x));
    }

    [Fact]
    public void PadThenAveragePool_WithOwnPadsExcludedFromCount_IsRejected()
    {
        var g = new OnnxBuilder(13, -1, 1, 6, 6);
        string padded = g.Node("Pad", [X, g.Constant([0, 0, 1, 1, 0, 0, 1, 1], 8)]);
        string y = g.Node("AveragePool", [padded], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        Reject(g.Build(y), "count_include_pad=0", "AveragePool");
    }

    [Fact]
    public void PadThenConv_PadsAdd_AsymmetricAndViaAxesInput()
    {
        var g = new OnnxBuilder(18, -1, 1, 6, 6);
        // opset 18: pads only for the listed axes (H, W): begin (1, 0), end (2, 1).
        string padded = g.Node("Pad", [X, g.Constant([1, 0, 2, 1], 4), "", g.Constant([2, 3], 2)]);
        string y = g.Node("Conv", [padded, g.Init(new float[9], 1, 1, 3, 3)], Ints("pads", 1, 1, 1, 1));
        var conv = Import(g.Build(y)).Nodes[1];
        Assert.Equal([2, 1], conv.PadsBegin);
        Assert.Equal([3, 2], conv.PadsEnd);
    }

    [Fact]
    public void PadAttributeForm_Opset10_FoldsIntoConv()
    {
        var g = new OnnxBuilder(10, -1, 1, 6);
        string padded = g.Node("Pad", [X], Ints("pads", 0, 0, 2, 0, 0, 1), Str("mode", "constant"), Float("value", 0));
        string y = g.Node("Conv", [padded, g.Init(new float[3], 1, 1, 3)]);
        var conv = Import(g.Build(y)).Nodes[1];
        Assert.Equal([2], conv.PadsBegin);
        Assert.Equal([1], conv.PadsEnd);
    }

    [Fact]
    public void PadThenMaxPool_FoldsOnlyAfterRelu()
    {
        var g = new OnnxBuilder(13, -1, 1, 6, 6);
        string r = g.Node("Relu", [X]);
        string padded = g.Node("Pad", [r, g.Constant([0, 0, 1, 1, 0, 0, 1, 1], 8)]);
        string y = g.Node("MaxPool", [padded], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        var pool = Import(g.Build(y)).Nodes[2];
        Assert.Equal([1, 1], pool.PadsBegin);

        g = new OnnxBuilder(13, -1, 1, 6, 6);
        padded = g.Node("Pad", [X, g.Constant([0, 0, 1, 1, 0, 0, 1, 1], 8)]);
        y = g.Node("MaxPool", [padded], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        Reject(g.Build(y), "MaxPool", "Relu");
    }

    [Fact]
    public void Pad_Unsupported_AreRejected()
    {
        var g = new OnnxBuilder(13, -1, 1, 6);
        string padded = g.Node("Pad", [X, g.Constant([0, 0, 1, 0, 0, 1], 6)], Str("mode", "reflect"));
        Reject(g.Build(g.Node("Conv", [padded, g.Init(new float[3], 1, 1, 3)])), "mode 'reflect'");

        g = new OnnxBuilder(13, -1, 1, 6);
        padded = g.Node("Pad", [X, g.Constant([0, 0, 1, 0, 0, 1], 6), g.Init([1f])]);
        Reject(g.Build(g.Node("Conv", [padded, g.Init(new float[3], 1, 1, 3)])), "constant value 1");

        g = new OnnxBuilder(13, -1, 1, 6);
        padded = g.Node("Pad", [X, g.Constant([0, 1, 1, 0, 0, 1], 6)]);
        Reject(g.Build(g.Node("Conv", [padded, g.Init(new float[6], 1, 2, 3)])), "channel axis");

        g = new OnnxBuilder(13, -1, 1, 6);
        padded = g.Node("Pad", [X, g.Constant([0, 0, -1, 0, 0, 1], 6)]);
        Reject(g.Build(g.Node("Conv", [padded, g.Init(new float[3], 1, 1, 3)])), "negative pads");

        g = new OnnxBuilder(13, -1, 1, 6);
        padded = g.Node("Pad", [X, g.Constant([0, 0, 1, 0, 0, 1], 6)]);
        Reject(g.Build(g.Node("Relu", [padded])), "Relu", "reads Pad", "Conv, MaxPool or AveragePool");
    }
}
