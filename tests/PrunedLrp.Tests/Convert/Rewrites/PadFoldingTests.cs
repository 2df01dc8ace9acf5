using PrunedLrp.Convert;
using PrunedLrp.Convert.Rewrites;
using PrunedLrp.Graph;
using Xunit;

namespace PrunedLrp.Tests.Convert.Rewrites;

public class PadFoldingTests
{
    static readonly LayerBuilder Relu = new() { Kind = OpKind.Relu, Name = "r" };
    static readonly LayerBuilder Conv = new() { Kind = OpKind.Conv, Name = "c" };

    [Fact]
    public void SpatialPads_SplitsBeginAndEnd()
    {
        var (b, e) = PadFolding.SpatialPads([0, 0, 1, 2, 0, 0, 3, 4], null, 4, "pad");
        Assert.Equal([1, 2], b);
        Assert.Equal([3, 4], e);
    }

    [Fact]
    public void SpatialPads_WithNegativeAxes()
    {
        var (b, e) = PadFolding.SpatialPads([5, 6], [-1], 3, "pad");
        Assert.Equal([5], b);
        Assert.Equal([6], e);
    }

    [Theory]
    [InlineData(new long[] { 1, 0, 0, 0 }, "batch")]
    [InlineData(new long[] { 0, 1, 0, 0, 0, 0 }, "channel")]
    [InlineData(new long[] { 0, 0, -1, 0, 0, 0 }, "negative")]
    [InlineData(new long[] { 0, 0, 1 }, "want 6")]
    public void SpatialPads_Rejects(long[] pads, string fragment)
    {
        int rank = pads.Length == 4 ? 2 : 3;
        var e = Assert.Throws<ConversionException>(() => PadFolding.SpatialPads(pads, null, rank, "pad"));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fold_AveragePool_SetsCountIncludePad_AndAddsPads()
    {
        var pad = new PaddedValue(Conv, [1, 2], [3, 4], "p");
        var (b, e, include) = PadFolding.Fold(OpKind.AvgPool, pad, [0, 0], [0, 0], false, "pool");
        Assert.Equal([1, 2], b);
        Assert.Equal([3, 4], e);
        Assert.True(include);
        (b, e, include) = PadFolding.Fold(OpKind.AvgPool, pad, [1, 1], [1, 1], true, "pool");
        Assert.Equal([2, 3], b);
        Assert.Equal([4, 5], e);
        Assert.True(include);
        Assert.Throws<ConversionException>(() => PadFolding.Fold(OpKind.AvgPool, pad, [1, 0], [0, 0], false, "pool"));
    }

    [Fact]
    public void Fold_Conv_AddsPads_MaxPoolNeedsNonNegativeInput()
    {
        var (b, e, _) = PadFolding.Fold(OpKind.Conv, new PaddedValue(Conv, [1], [2], "p"), [1], [0], false, "conv");
        Assert.Equal([2], b);
        Assert.Equal([2], e);
        (b, _, _) = PadFolding.Fold(OpKind.MaxPool, new PaddedValue(Relu, [1], [1], "p"), [0], [0], false, "max");
        Assert.Equal([1], b);
        Assert.Throws<ConversionException>(() => PadFolding.Fold(OpKind.MaxPool, new PaddedValue(Conv, [1], [1], "p"), [0], [0], false, "max"));
        Assert.Throws<ConversionException>(() => PadFolding.Fold(OpKind.Conv, new PaddedValue(Conv, [1, 1], [1, 1], "p"), [0], [0], false, "conv"));
    }
}
