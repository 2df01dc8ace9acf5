using PrunedLrp.Convert;
using PrunedLrp.Convert.Rewrites;
using Xunit;

namespace PrunedLrp.Tests.Convert.Rewrites;

public class ConstantFoldingTests
{
    [Fact]
    public void FPadChain_GivesOnnxPadsOrder()
    {
        // PyTorch F.pad(x, (1, 2)) on a 3-D input: torch order [1, 2] (last axis begin, end) + zeros for 2 axes.
        var zeros = ConstantFolding.ConstantOfShape(new ConstantValue([1], null, [4]), new ConstantValue([1], null, [0]), "c");
        var joined = ShapeFolding.Concat([new ConstantValue([2], null, [1, 2]), zeros], 0, "cat");
        var pairs = ConstantFolding.Reshape(joined, [-1, 2], false, "r");
        Assert.Equal([3L, 2], pairs.Dims);
        var reversed = ConstantFolding.Slice(pairs, [-1], [-9223372036854775807], [0], [-1], "s");
        Assert.Equal([0L, 0, 0, 0, 1, 2], reversed.Ints!);
        var transposed = ConstantFolding.Transpose(reversed, [1, 0], "t");
        var flat = ConstantFolding.Reshape(transposed, [-1], false, "r");
        Assert.Equal([0L, 0, 1, 0, 0, 2], ConstantFolding.Cast(flat, 7, "cast").Ints!);
    }

    [Fact]
    public void Slice_PositiveStepsAndClamping()
    {
        var v = new ConstantValue([6], null, [0, 1, 2, 3, 4, 5]);
        Assert.Equal([1L, 3], ConstantFolding.Slice(v, [1], [5], null, [2], "s").Ints!);
        Assert.Equal([4L, 5], ConstantFolding.Slice(v, [-2], [long.MaxValue], null, null, "s").Ints!);
        Assert.Empty(ConstantFolding.Slice(v, [4], [2], null, null, "s").Ints!);
    }

    [Fact]
    public void Transpose_DefaultReversesAxes_AndFloatsWork()
    {
        var m = new ConstantValue([2, 3], [1, 2, 3, 4, 5, 6], null);
        var t = ConstantFolding.Transpose(m, null, "t");
        Assert.Equal([3L, 2], t.Dims);
        Assert.Equal([1f, 4, 2, 5, 3, 6], t.Floats!);
        Assert.Throws<ConversionException>(() => ConstantFolding.Transpose(m, [0, 0], "t"));
    }

    [Fact]
    public void Reshape_CopiesZeroDims_AndRejectsBadCounts()
    {
        var m = new ConstantValue([2, 3], null, [1, 2, 3, 4, 5, 6]);
        Assert.Equal([2L, 3], ConstantFolding.Reshape(m, [0, -1], false, "r").Dims);
        Assert.Throws<ConversionException>(() => ConstantFolding.Reshape(m, [4, -1], false, "r"));
        Assert.Throws<ConversionException>(() => ConstantFolding.Reshape(m, [-1, -1], false, "r"));
    }

    [Fact]
    public void ConstantOfShape_DefaultsToFloatZero_AndCastRejectsOtherTypes()
    {
        var c = ConstantFolding.ConstantOfShape(new ConstantValue([2], null, [2, 2]), null, "c");
        Assert.Equal(new float[4], c.Floats!);
        Assert.Throws<ConversionException>(() => ConstantFolding.Cast(c, 10, "cast"));
    }
}
