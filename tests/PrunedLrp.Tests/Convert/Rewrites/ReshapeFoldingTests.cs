using PrunedLrp.Convert;
using PrunedLrp.Convert.Rewrites;
using Xunit;

namespace PrunedLrp.Tests.Convert.Rewrites;

public class ReshapeFoldingTests
{
    const long B = ConstantValue.Batch;

    [Theory]
    [InlineData(new long[] { B, -1 }, false, true)]
    [InlineData(new long[] { B, 24 }, false, true)]
    [InlineData(new long[] { 0, -1 }, false, true)]
    [InlineData(new long[] { 0, -1 }, true, false)] // allowzero: 0 is a literal zero-size dim
    [InlineData(new long[] { -1, 24 }, false, true)]
    [InlineData(new long[] { -1, -1 }, false, false)]
    [InlineData(new long[] { B, 12 }, false, false)]
    [InlineData(new long[] { 4, -1 }, false, false)]
    [InlineData(new long[] { B, 2, 12 }, false, false)]
    public void IsBatchFlatten(long[] target, bool allowZero, bool expected)
    {
        Assert.Equal(expected, ReshapeFolding.IsBatchFlatten(target, [2, 3, 4], allowZero, out string reason));
        Assert.Equal(expected, reason.Length == 0);
    }

    [Fact]
    public void FixedBatch_ReasonSaysSo()
    {
        ReshapeFolding.IsBatchFlatten([1, -1], [6], false, out string reason);
        Assert.Contains("batch size", reason, StringComparison.Ordinal);
    }
}
