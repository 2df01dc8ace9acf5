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
        int rows = LeanWinograd.GroupRows(cin, cout, 4, limit == 0 ? LeanWinograd.KernelFloatsLimit : limit);
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

    [Avx2Theory]
    [InlineData(16, 24, 20, 21, 4, 0L)]        // dx 20x21 by F(4x4), one group
    [InlineData(40, 17, 28, 28, 2, 20_000L)]   // F(2x2); the 40 dx channels in groups of 18, 18 and 4
    [InlineData(20, 300, 16, 17, 4, 100_000L)] // 2 depth blocks of 150 (dy's channels); groups of 6 rows
    public void Transposed_Groups_MatchReference(int cin, int cout, int h, int w, int tile, long limit)
    {
        // dx = conv_transpose(dy, W) with W' read flipped straight from W [outC, inC, 3, 3], group by group.
        var rng = new Random(cin * 7 + cout + h);
        var (s, stored, _, _) = SamePadded3x3(rng, cin, cout, h, w);
        var dy = KernelAssert.Random(rng, 2 * s.OutSize);
        var lean = limit == 0 ? LeanWinograd.Transposed(s, tile) : LeanWinograd.Transposed(s, tile, limit);
        int rows = LeanWinograd.GroupRows(cout, cin, tile, limit == 0 ? LeanWinograd.KernelFloatsLimit : limit);
        Assert.Equal((cin + rows - 1) / rows, lean.Groups);
        foreach (var variant in new[] { WeightVariant.Original, WeightVariant.GammaNegative })
        {
            var scratch = KernelAssert.Random(rng, lean.ScratchLength);
            var dx = KernelAssert.Random(rng, 2 * s.InSize); // overwritten
            unsafe
            {
                fixed (float* pw = stored, pdy = dy, pdx = dx, ps = scratch)
                    lean.Forward(pw, WeightVariants.Map(variant, 0.25f), pdy, null, pdx, 2, ps, rectify: false);
            }
            var expected = ReferenceConv.BackwardData(s, WeightVariants.Modify(stored, variant, 0.25f), dy, 2);
            KernelAssert.Close(expected, dx, cout * 9, $"transposed lean Winograd {s} {variant}, {lean.Groups} groups");
        }
    }

    [Avx2Theory]
    [InlineData("GammaPositive", 20)]  // zero-free: F(4x4), no factor needed
    [InlineData("Positive", 28)]       // zero weights: F(2x2) with the leak guard (factor passed)
    [InlineData("Negative", 28)]
    public void Transposed_LeanForm_MatchesFastFormBitForBit(string variantName, int size)
    {
        var variant = Enum.Parse<WeightVariant>(variantName);
        // The same kernels, guards and recomputed positions as the fast form, which packs its kernels once: the same bits,
        // also with huge entries in dy that the guards send to the direct sum.
        var rng = new Random((int)variant * 31 + size);
        var (s, stored, _, _) = SamePadded3x3(rng, 16, 20, size, size);
        var map = WeightVariants.Map(variant, 0.25f);
        var lean = new ConvOperator(s, stored, map);
        var fast = new ConvOperator(s, WeightVariants.Modify(stored, variant, 0.25f));
        var dy = KernelAssert.Random(rng, s.OutSize);
        for (int k = 0; k < 3; k++)
            dy[rng.Next(dy.Length)] = 1e6f;
        var x = Array.ConvertAll(KernelAssert.Random(rng, s.InSize), v => Math.Max(v, 0f));
        var want = new float[s.InSize];
        fast.BackwardData(dy, want, 1, new float[fast.ScratchLength(1)], x);
        var got = new float[s.InSize];
        lean.BackwardData(dy, got, 1, KernelAssert.Random(rng, lean.ScratchLength(1)), x);
        Assert.Equal(want, got);
        var reference = ReferenceConv.BackwardData(s, WeightVariants.Modify(stored, variant, 0.25f), dy, 1);
        KernelAssert.Close(reference, got, 20 * 9, $"lean transposed {variant} {s}");
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
