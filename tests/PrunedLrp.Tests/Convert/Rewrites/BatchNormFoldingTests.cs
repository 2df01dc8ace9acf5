using PrunedLrp.Convert;
using PrunedLrp.Convert.Rewrites;
using PrunedLrp.Graph;
using Xunit;

namespace PrunedLrp.Tests.Convert.Rewrites;

public class BatchNormFoldingTests
{
    [Fact]
    public void ScaleShift_MatchesFormula()
    {
        var (scale, shift) = BatchNormFolding.ScaleShift([2f, -1f], [0.5f, 0f], [1f, 3f], [3f, 0.25f], 1.0, "bn");
        Assert.Equal([1f, (float)(-1 / Math.Sqrt(1.25))], scale);
        Assert.Equal([0.5f - 1f, (float)(3 / Math.Sqrt(1.25))], shift);
    }

    [Fact]
    public void ScaleShift_NonPositiveVariance_IsRejected()
    {
        var e = Assert.Throws<ConversionException>(() => BatchNormFolding.ScaleShift([1f], [0f], [0f], [-2f], 1.0, "bn"));
        Assert.Contains("not positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fold_ScalesEachOutputRow_AndShiftsBias()
    {
        // Dense [2, 3]: row o scaled by s[o]; b'[o] = (b[o] - mean[o]) * s[o] + beta[o].
        var dense = new LayerBuilder { Kind = OpKind.Dense, Name = "fc", WeightShape = [2, 3], Weight = [1, 2, 3, 4, 5, 6], Bias = [1, -1], Readers = 1 };
        Assert.True(BatchNormFolding.CanFold(dense));
        BatchNormFolding.Fold(dense, [2f, 3f], [10f, 20f], [1f, 1f], [3f, 8f], 1.0, "bn");
        double s0 = 2 / Math.Sqrt(4), s1 = 3 / Math.Sqrt(9);
        Assert.Equal(new[] { 1 * s0, 2 * s0, 3 * s0, 4 * s1, 5 * s1, 6 * s1 }.Select(v => (float)v), dense.Weight);
        Assert.Equal([(float)((1 - 1) * s0 + 10), (float)((-1 - 1) * s1 + 20)], dense.Bias);
    }

    [Fact]
    public void Fold_WithoutBias_UsesZero()
    {
        var conv = new LayerBuilder { Kind = OpKind.Conv, Name = "c", WeightShape = [1, 1, 2], Weight = [1, 1], Readers = 1 };
        BatchNormFolding.Fold(conv, [1f], [0f], [2f], [1f], 0.0, "bn");
        Assert.Equal([-2f], conv.Bias);
    }

    [Fact]
    public void CanFold_NeedsConvOrDenseWithOneReader()
    {
        Assert.False(BatchNormFolding.CanFold(new LayerBuilder { Kind = OpKind.Dense, Name = "", Readers = 2 }));
        Assert.False(BatchNormFolding.CanFold(new LayerBuilder { Kind = OpKind.Relu, Name = "", Readers = 1 }));
        Assert.True(BatchNormFolding.CanFold(new LayerBuilder { Kind = OpKind.Conv, Name = "", Readers = 1 }));
    }
}
