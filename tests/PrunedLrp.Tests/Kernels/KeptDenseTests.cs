using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>The kept-entry dense products (PLRP-M) against the plain-loop products of the masked input, lengths 1..257
/// (vector tails) and kept sets from none to all.</summary>
public class KeptDenseTests
{
    public static TheoryData<int> Lengths() => [1, 2, 7, 8, 9, 31, 64, 100, 255, 257];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Forward_MatchesReferenceOfMaskedInput(int inFeatures)
    {
        var rng = new Random(inFeatures);
        int outFeatures = 1 + rng.Next(40);
        var w = KernelAssert.Random(rng, outFeatures * inFeatures);
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var kept = KeptSets.Random(rng, inFeatures, form);
            var x = KeptSets.Masked(KernelAssert.Random(rng, inFeatures), kept);
            var bias = form % 2 == 0 ? KernelAssert.Random(rng, outFeatures) : [];
            var y = KernelAssert.Random(rng, outFeatures);
            KeptDense.Forward(w, outFeatures, inFeatures, x, kept, bias, y);
            KernelAssert.Close(ReferenceDense.Forward(outFeatures, inFeatures, w, x, bias, 1), y, inFeatures, $"{outFeatures}x{inFeatures} kept {kept.Length}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BackwardData_MatchesReferenceAtKeptAndIsZeroElsewhere(int inFeatures)
    {
        var rng = new Random(1000 + inFeatures);
        int outFeatures = 1 + rng.Next(40);
        var w = KernelAssert.Random(rng, outFeatures * inFeatures);
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var kept = KeptSets.Random(rng, inFeatures, form);
            var dy = KernelAssert.Random(rng, outFeatures);
            var full = ReferenceDense.BackwardData(outFeatures, inFeatures, w, dy, 1);
            var expected = new double[inFeatures];
            foreach (int i in kept)
                expected[i] = full[i];
            var dx = KernelAssert.Random(rng, inFeatures);
            KeptDense.BackwardData(w, outFeatures, inFeatures, dy, kept, dx);
            KernelAssert.Close(expected, dx, outFeatures, $"{outFeatures}x{inFeatures} kept {kept.Length}");
        }
    }

    [Fact]
    public void RejectsIndicesOutsideTheInputAndWrongSizes()
    {
        var w = new float[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => KeptDense.Forward(w, 3, 4, new float[4], [4], [], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeptDense.BackwardData(w, 3, 4, new float[3], [-1], new float[4]));
        Assert.Throws<ArgumentException>(() => KeptDense.Forward(w, 3, 4, new float[5], [0], [], new float[3]));
    }

    [Fact]
    public void Pays_ForFewKeptEntriesOnly()
    {
        Assert.True(KeptDense.Pays(25088, 240)); // VGG-16's first classifier layer, pruned at p = 0.9
        Assert.False(KeptDense.Pays(25088, 25088 / 4));
    }
}
