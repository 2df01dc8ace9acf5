using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>The listed-output convolution products (PLRP-λ's sparse relevance) against the plain-loop convolution:
/// z at the listed entries of the full forward, and the transposed product of a dy that is zero off the list, over random
/// geometries (strides, pads, dilations, groups, 1-D and 2-D), lists from none to all, and every weight map.</summary>
public class ListedOutputConvTests
{
    static readonly WeightVariant[] Variants = Enum.GetValues<WeightVariant>();

    [Theory]
    [MemberData(nameof(KeptConvTests.Cases), MemberType = typeof(KeptConvTests))]
    public void At_MatchesReferenceForwardAtTheListedEntries(int seed, bool twoD)
    {
        var rng = new Random(900 + seed);
        var s = ConvOperatorTests.RandomShape(rng, twoD);
        var w = KernelAssert.Random(rng, s.WeightSize);
        var bias = seed % 3 == 0 ? [] : KernelAssert.Random(rng, s.OutChannels);
        var x = KernelAssert.Random(rng, s.InSize);
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var listed = KeptSets.Random(rng, s.OutSize, form);
            var variant = Variants[(seed + form) % Variants.Length];
            var full = ReferenceConv.Forward(s, WeightVariants.Modify(w, variant, 0.25f), x, bias, 1);
            var z = KernelAssert.Random(rng, listed.Length); // overwritten
            ListedOutputConv.At(s, w, WeightVariants.Map(variant, 0.25f), x, listed, bias, z);
            KernelAssert.Close(listed.Select(e => full[e]).ToArray(), z, s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth,
                $"{s} {variant} listed {listed.Length}");
        }
    }

    [Theory]
    [MemberData(nameof(KeptConvTests.Cases), MemberType = typeof(KeptConvTests))]
    public void Transposed_MatchesReferenceOfTheSparseDy(int seed, bool twoD)
    {
        var rng = new Random(1100 + seed);
        var s = ConvOperatorTests.RandomShape(rng, twoD);
        var w = KernelAssert.Random(rng, s.WeightSize);
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var listed = KeptSets.Random(rng, s.OutSize, form);
            var values = KernelAssert.Random(rng, listed.Length);
            var variant = Variants[(seed + 3 * form) % Variants.Length];
            var expected = ReferenceConv.BackwardData(s, WeightVariants.Modify(w, variant, 0.25f), KeptSets.Scattered(values, listed, s.OutSize), 1);
            var dx = KernelAssert.Random(rng, s.InSize); // overwritten, zeros included
            ListedOutputConv.Transposed(s, w, WeightVariants.Map(variant, 0.25f), listed, values, dx);
            KernelAssert.Close(expected, dx, s.OutChannels / s.Groups * s.KernelHeight * s.KernelWidth, $"{s} {variant} listed {listed.Length}");
        }
    }

    public static TheoryData<int, int, int, int, int> LargeShapes() => new()
    {
        { 64, 64, 1, 16, 3 },    // 3x3: 400 entries x 576 multiply-adds each
        { 66, 40, 2, 12, 3 },    // two groups of 33 input channels: the halves split 16 / 17 in each group
        { 256, 128, 1, 9, 1 },   // pointwise
    };

    [Theory]
    [MemberData(nameof(LargeShapes))]
    public void LargeLists_SplitOverBothThreads_MatchReference(int cin, int cout, int groups, int size, int k)
    {
        // Enough entries times kernel volume for the products to split their work over the two kernel threads.
        var s = ConvOperatorTests.Shape(cin, cout, groups, size, size, k, k, 1, 1, k / 2, k / 2, k / 2, k / 2, 1, 1);
        var rng = new Random(cin + cout + size);
        var w = KernelAssert.Random(rng, s.WeightSize);
        var x = KernelAssert.Random(rng, s.InSize);
        var bias = KernelAssert.Random(rng, s.OutChannels);
        var listed = Enumerable.Range(0, s.OutSize).Where(_ => rng.NextDouble() < 0.05).ToArray();
        Assert.True((long)listed.Length * (cin / groups) * k * k >= 1 << 16, "the case must reach the split");
        var variant = WeightVariant.GammaPositive;
        var modified = WeightVariants.Modify(w, variant, 0.25f);
        var full = ReferenceConv.Forward(s, modified, x, bias, 1);
        var z = new float[listed.Length];
        ListedOutputConv.At(s, w, WeightVariants.Map(variant, 0.25f), x, listed, bias, z);
        KernelAssert.Close(listed.Select(e => full[e]).ToArray(), z, cin / groups * k * k, $"{s} At");

        var values = KernelAssert.Random(rng, listed.Length);
        var expected = ReferenceConv.BackwardData(s, modified, KeptSets.Scattered(values, listed, s.OutSize), 1);
        var dx = KernelAssert.Random(rng, s.InSize);
        ListedOutputConv.Transposed(s, w, WeightVariants.Map(variant, 0.25f), listed, values, dx);
        KernelAssert.Close(expected, dx, cout / groups * k * k, $"{s} Transposed");
    }

    [Fact]
    public void Transposed_SpreadsANonFiniteValueLikeTheDenseProduct()
    {
        // 0 * NaN = NaN: a NaN in dy reaches every input of its window, also where the weight is 0.
        var s = ConvOperatorTests.Shape(2, 1, 1, 3, 3, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1);
        var w = new float[s.WeightSize];
        var dx = new float[s.InSize];
        ListedOutputConv.Transposed(s, w, WeightMap.Identity, [0], [float.NaN], dx);
        Assert.All(dx, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void RejectsIndicesOutsideTheOutputAndMismatchedLengths()
    {
        var s = ConvOperatorTests.Shape(2, 3, 1, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        var w = new float[s.WeightSize];
        var x = new float[s.InSize];
        Assert.Throws<ArgumentOutOfRangeException>(() => ListedOutputConv.At(s, w, WeightMap.Identity, x, [s.OutSize], [], new float[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ListedOutputConv.Transposed(s, w, WeightMap.Identity, [-1], [1f], x));
        Assert.Throws<ArgumentException>(() => ListedOutputConv.At(s, w, WeightMap.Identity, x, [0, 1], [], new float[1]));
        Assert.Throws<ArgumentException>(() => ListedOutputConv.Transposed(s, w.AsSpan(1), WeightMap.Identity, [0], [1f], x));
    }

    [Fact]
    public void Pays_ForFewListedEntriesOnly()
    {
        var s = ConvOperatorTests.Shape(256, 256, 1, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.True(ListedOutputConv.Pays(s, 200));          // PLRP-λ at p = 0.9 keeps tens to hundreds of 802,816
        Assert.True(ListedOutputConv.Pays(s, ListedOutputConv.Limit(s)));
        Assert.False(ListedOutputConv.Pays(s, ListedOutputConv.Limit(s) + 1));
        Assert.False(ListedOutputConv.Pays(s, s.OutSize / 2));
    }
}
