using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;
using static PrunedLrp.Tests.Kernels.ConvOperatorTests;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// <see cref="LeanWinograd"/>: the lean mode's forward with kernels remade per call, in output-channel groups whose
/// kernels fit a limit. Each group is checked against the plain-loop convolution, and the grouped run against the
/// fast form's Winograd (the same products per output channel, so the same bits).
/// </summary>
public class LeanWinogradTests
{
    [Avx2Theory]
    [InlineData(16, 17, 20, 20, 0L)]          // one group (no limit hit)
    [InlineData(24, 40, 21, 23, 20_000L)]     // groups of 18, 18 and 4 rows
    [InlineData(300, 20, 20, 21, 100_000L)]   // 2 depth blocks of 150 input channels; groups of 6, 6, 6 and 2 rows
    [InlineData(17, 19, 24, 20, 1L)]          // a limit nothing fits: one row panel (6 rows) a group, the last 1 row
    public void Groups_MatchReferenceAndFastForm(int cin, int cout, int outH, int outW, long limit)
    {
        var rng = new Random(cin * 13 + cout + outH);
        var (s, stored, bias, x) = SamePadded3x3(rng, cin, cout, outH, outW);
        Assert.True(LeanWinograd.Pays(s));
        var lean = limit == 0 ? new LeanWinograd(s) : new LeanWinograd(s, limit);
        int rows = LeanWinograd.GroupRows(cin, cout, limit == 0 ? LeanWinograd.KernelFloatsLimit : limit);
        Assert.Equal((cout + rows - 1) / rows, lean.Groups);
        Assert.True(rows == cout || rows % GemmBlocking.MR == 0, $"{rows} rows a group");
        if (limit > 0 && rows > GemmBlocking.MR)
            Assert.True(Winograd3x3.KernelFloatsFor(cin, rows, 4) <= limit);
        foreach (var variant in new[] { WeightVariant.Original, WeightVariant.GammaPositive })
        {
            var modified = WeightVariants.Modify(stored, variant, 0.25f);
            var y = Forward(lean, s, stored, WeightVariants.Map(variant, 0.25f), x, bias, batch: 2, rng);
            var x2 = x.Concat(x).ToArray();
            KernelAssert.Close(ReferenceConv.Forward(s, modified, x2, bias, 2), y, cin * 9, $"lean Winograd {s} {variant}, {lean.Groups} groups");
            var fast = new ConvOperator(s, modified);
            var want = new float[2 * s.OutSize];
            fast.Forward(x2, bias, want, 2, new float[fast.ScratchLength(2)]);
            Assert.Equal(want, y);
        }
    }

    [Avx2Fact]
    public void Pays_OnlyForLargePlanesWithF4x4()
    {
        Assert.False(LeanWinograd.Pays(Same(512, 14)));  // F(2x2, 3x3): 196 positions
        Assert.False(LeanWinograd.Pays(Same(64, 18)));   // F(4x4, 3x3), but 324 positions
        Assert.False(LeanWinograd.Pays(Shape(64, 64, 1, 40, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1))); // stride 2
        Assert.True(LeanWinograd.Pays(Same(64, 20)));
        Assert.Equal(3, new LeanWinograd(Same(512, 28)).Groups); // VGG-16's conv4: 38 MB of kernels in one group
        Assert.Equal(1, new LeanWinograd(Same(256, 56)).Groups); // 9.5 MB
    }

    static ConvShape Same(int channels, int size) => new(channels, channels, 1, size, size, 3, 3, 1, 1, 1, 1, 1, 1, size, size);

    static unsafe float[] Forward(LeanWinograd op, ConvShape s, float[] weight, WeightMap map, float[] x, float[] bias, int batch, Random rng)
    {
        var scratch = KernelAssert.Random(rng, op.ScratchLength);
        var xs = Enumerable.Repeat(x, batch).SelectMany(v => v).ToArray();
        var y = KernelAssert.Random(rng, batch * s.OutSize); // overwritten
        fixed (float* pw = weight, px = xs, pb = bias, py = y, ps = scratch)
            op.Forward(pw, map, px, pb, py, batch, ps, rectify: false);
        return y;
    }
}
