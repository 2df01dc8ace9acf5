using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>The kept-entry convolution products (PLRP-M) against the plain-loop convolution of the masked input, over
/// random geometries (strides, pads, dilations, groups, 1-D and 2-D), kept sets from none to all, and every weight map.</summary>
public class KeptConvTests
{
    static readonly WeightVariant[] Variants = Enum.GetValues<WeightVariant>();

    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        for (int seed = 0; seed < 16; seed++) { data.Add(seed, false); data.Add(seed, true); }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_MatchesReferenceOfMaskedInput(int seed, bool twoD)
    {
        var rng = new Random(500 + seed);
        var s = ConvOperatorTests.RandomShape(rng, twoD);
        var w = KernelAssert.Random(rng, s.WeightSize);
        var wt = KeptConv.ChannelMajor(s, w);
        var bias = seed % 3 == 0 ? [] : KernelAssert.Random(rng, s.OutChannels);
        var scratch = new float[KeptConv.ScratchLength(s) + 3];
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var kept = KeptSets.Random(rng, s.InSize, form);
            var x = KeptSets.Masked(KernelAssert.Random(rng, s.InSize), kept);
            var variant = Variants[(seed + form) % Variants.Length];
            var expected = ReferenceConv.Forward(s, Modified(w, variant), x, bias, 1);
            var y = KernelAssert.Random(rng, s.OutSize); // overwritten
            scratch.AsSpan().Fill(float.NaN); // the kernel must not read what it did not write
            KeptConv.Forward(s, wt, WeightVariants.Map(variant, 0.25f), x, kept, bias, y, scratch);
            KernelAssert.Close(expected, y, s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth, $"{s} {variant} kept {kept.Length}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardData_MatchesReferenceAtKeptAndIsZeroElsewhere(int seed, bool twoD)
    {
        var rng = new Random(700 + seed);
        var s = ConvOperatorTests.RandomShape(rng, twoD);
        var w = KernelAssert.Random(rng, s.WeightSize);
        var wt = KeptConv.ChannelMajor(s, w);
        var scratch = new float[KeptConv.ScratchLength(s)];
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var kept = KeptSets.Random(rng, s.InSize, form);
            var dy = KernelAssert.Random(rng, s.OutSize);
            var variant = Variants[(seed + 3 * form) % Variants.Length];
            var full = ReferenceConv.BackwardData(s, Modified(w, variant), dy, 1);
            var expected = new double[s.InSize];
            foreach (int i in kept)
                expected[i] = full[i];
            var dx = KernelAssert.Random(rng, s.InSize); // overwritten, zeros included
            scratch.AsSpan().Fill(float.NaN);
            KeptConv.BackwardData(s, wt, WeightVariants.Map(variant, 0.25f), dy, kept, dx, scratch);
            KernelAssert.Close(expected, dx, s.OutChannels / s.Groups * s.KernelHeight * s.KernelWidth, $"{s} {variant} kept {kept.Length}");
            for (int i = 0; i < s.InSize; i++)
            {
                if (Array.BinarySearch(kept, i) < 0)
                    Assert.Equal(0f, dx[i]);
            }
        }
    }

    [Theory]
    [InlineData(4, 6, 2, 2, 1)]      // 2 groups of 2 -> 3 channels, 2x1 kernel
    [InlineData(70, 33, 1, 3, 3)]    // tiles of 32 cut both channel counts, with short last tiles
    [InlineData(130, 66, 2, 1, 1)]   // pointwise, 2 groups of 65 -> 33
    [InlineData(64, 64, 64, 3, 3)]   // depthwise
    [InlineData(1, 1, 1, 1, 5)]
    public void ChannelMajor_PutsEachGroupsOutputChannelsLast(int cin, int cout, int groups, int kh, int kw)
    {
        // Wt[c, t, o'] = W[g * Og + o', c - g * Cg, t], element by element (the definition, as a plain loop).
        var s = ConvOperatorTests.Shape(cin, cout, groups, kh + 2, kw + 2, kh, kw, 1, 1, 0, 0, 0, 0, 1, 1);
        var w = Enumerable.Range(0, s.WeightSize).Select(i => (float)i).ToArray();
        var wt = KeptConv.ChannelMajor(s, w);
        int cg = cin / groups, og = cout / groups, taps = kh * kw;
        for (int c = 0; c < cin; c++)
        for (int t = 0; t < taps; t++)
        for (int ol = 0; ol < og; ol++)
        {
            int g = c / cg, o = g * og + ol;
            Assert.Equal(w[(o * cg + c - g * cg) * taps + t], wt[(c * taps + t) * og + ol]);
        }
    }

    [Fact]
    public void RejectsShortScratchAndIndicesOutsideTheInput()
    {
        var s = ConvOperatorTests.Shape(2, 3, 1, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        var wt = new float[s.WeightSize];
        var x = new float[s.InSize];
        var y = new float[s.OutSize];
        Assert.Throws<ArgumentException>(() => KeptConv.Forward(s, wt, WeightMap.Identity, x, [0], [], y, new float[KeptConv.ScratchLength(s) - 1]));
        var scratch = new float[KeptConv.ScratchLength(s)];
        Assert.Throws<ArgumentOutOfRangeException>(() => KeptConv.Forward(s, wt, WeightMap.Identity, x, [s.InSize], [], y, scratch));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeptConv.BackwardData(s, wt, WeightMap.Identity, y, [-1], x, scratch));
    }

    [Fact]
    public void Pays_ForFewKeptEntriesOnly()
    {
        var s = ConvOperatorTests.Shape(256, 256, 1, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.True(KeptConv.Pays(s, 1000));       // a pruned VGG-16 layer keeps about this many of 802,816
        Assert.False(KeptConv.Pays(s, s.InSize / 2));
    }

    static float[] Modified(float[] w, WeightVariant variant) => WeightVariants.Modify(w, variant, 0.25f);
}
