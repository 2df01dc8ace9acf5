using PrunedLrp.Convert;
using PrunedLrp.Graph;
using Xunit;

namespace PrunedLrp.Tests.Convert;

/// <summary>Models exported by PyTorch 1.13 at opsets 11, 13 and 17 with a dynamic batch axis
/// (tools/fixtures/make_convert_fixtures.py): conversion, structure, and logits through the reference forward.</summary>
public class PyTorchExportTests
{
    static string Fixture(string name, string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "convert", name, file);

    static ModelSpec Convert(string name) =>
        PrunedLrp.Convert.Program.Convert(new ConvertOptions(Fixture(name, "model.onnx"), "unused", null, null, false));

    static readonly string[] Models = ["pool_pad", "residual1d"];
    static readonly int[] Opsets = [11, 13, 17];

    public static TheoryData<string> Exports() => new(
        from model in Models
        from opset in Opsets
        select $"{model}-opset{opset}");

    [Theory]
    [MemberData(nameof(Exports))]
    public void Export_ReferenceForwardMatchesPyTorchLogits(string name)
    {
        var model = Convert(name);
        var inputArray = PrunedLrp.IO.NpyFile.Read(Fixture(name, "input.npy"));
        var (input, inputShape) = (inputArray.Data, inputArray.Shape);
        var logitsArray = PrunedLrp.IO.NpyFile.Read(Fixture(name, "logits.npy"));
        var (logits, logitShape) = (logitsArray.Data, logitsArray.Shape);
        int samples = inputShape[0], inSize = input.Length / samples, outSize = logitShape[1];
        for (int s = 0; s < samples; s++)
        {
            var y = ReferenceForward.Run(model, input[(s * inSize)..((s + 1) * inSize)]);
            ConverterTestHelpers.AssertClose(logits.AsSpan(s * outSize, outSize), y, 2e-5);
        }
    }

    [Theory]
    [InlineData("pool_pad-opset11")]
    [InlineData("pool_pad-opset17")]
    public void PoolPad_AvgPoolPaddingBecomesCountIncludePad(string name)
    {
        var m = Convert(name);
        Assert.Equal([OpKind.Input, OpKind.Conv, OpKind.Relu, OpKind.AvgPool, OpKind.MaxPool, OpKind.Flatten, OpKind.Dense],
            m.Nodes.Select(n => n.Kind));
        var avg = m.Nodes[3];
        Assert.True(avg.CountIncludePad);
        Assert.True(avg.CeilMode);
        Assert.Equal([1, 1], avg.PadsBegin);
        Assert.Equal([1, 1], m.Nodes[4].PadsBegin); // MaxPool's own padding
        Assert.Equal([1, 2], m.Nodes[1].PadsBegin); // Conv2d(padding=(1, 2)), BatchNorm folded in
    }

    [Theory]
    [InlineData("residual1d-opset11")]
    [InlineData("residual1d-opset17")]
    public void Residual1d_FPadFoldedIntoConv_SharedBatchNormKept(string name)
    {
        var m = Convert(name);
        var conv = m.Nodes[1];
        Assert.Equal(OpKind.Conv, conv.Kind);
        Assert.Equal([1], conv.PadsBegin); // F.pad(x, (1, 2)) via the ConstantOfShape/Slice/Transpose chain
        Assert.Equal([2], conv.PadsEnd);
        Assert.Equal([2], conv.Dilations);
        Assert.Single(m.Nodes, n => n.Kind == OpKind.Affine);
        Assert.Single(m.Nodes, n => n.Kind == OpKind.Add);
        Assert.Equal(2, m.Nodes.Count(n => n.Kind == OpKind.Dense));
    }
}
