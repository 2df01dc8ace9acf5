using PrunedLrp.Convert;
using PrunedLrp.Convert.Rewrites;
using Xunit;

namespace PrunedLrp.Tests.Convert.Rewrites;

public class ShapeFoldingTests
{
    const long B = ConstantValue.Batch;

    [Fact]
    public void Shape_PutsBatchSymbolFirst_AndSlices()
    {
        Assert.Equal([B, 3, 4, 5], ShapeFolding.Shape([3, 4, 5], 0, null).Ints!);
        Assert.Equal([4, 5], ShapeFolding.Shape([3, 4, 5], 2, null).Ints!);
        Assert.Equal([B, 3], ShapeFolding.Shape([3, 4, 5], 0, -2).Ints!);
        Assert.Equal([], ShapeFolding.Shape([3], 5, null).Ints!);
    }

    [Fact]
    public void Gather_ScalarAndVectorAndNegativeIndices()
    {
        var shape = ShapeFolding.Shape([3, 4], 0, null);
        var scalar = ShapeFolding.Gather(shape, new ConstantValue([], null, [0]), 0, "g");
        Assert.Equal([B], scalar.Ints!);
        Assert.Empty(scalar.Dims);
        Assert.Equal([4, 3], ShapeFolding.Gather(shape, new ConstantValue([2], null, [-1, 1]), 0, "g").Ints!);
        Assert.Throws<ConversionException>(() => ShapeFolding.Gather(shape, new ConstantValue([], null, [3]), 0, "g"));
    }

    [Fact]
    public void UnsqueezeSqueezeConcat()
    {
        var scalar = new ConstantValue([], null, [B]);
        var vector = ShapeFolding.Unsqueeze(scalar, [0], "u");
        Assert.Equal([1L], vector.Dims);
        Assert.Empty(ShapeFolding.Squeeze(vector, null, "s").Dims);
        Assert.Throws<ConversionException>(() => ShapeFolding.Squeeze(new ConstantValue([2], null, [1, 2]), [0], "s"));
        var joined = ShapeFolding.Concat([vector, new ConstantValue([1], null, [-1])], 0, "c");
        Assert.Equal([B, -1], joined.Ints!);
        Assert.Throws<ConversionException>(() => ShapeFolding.Concat([new ConstantValue([1], [1f], null)], 0, "c"));
    }
}
