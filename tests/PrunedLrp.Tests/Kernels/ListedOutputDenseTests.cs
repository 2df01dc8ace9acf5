using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>The listed-output dense products against the plain-loop dense layer, over input lengths that cross the
/// vector tails and lists from none to all.</summary>
public class ListedOutputDenseTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int inF in new[] { 0, 1, 7, 8, 9, 31, 33, 64, 257 })
            foreach (int outF in new[] { 1, 5, 40 })
                data.Add(outF, inF);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void At_MatchesReferenceForwardAtTheListedOutputs(int outF, int inF)
    {
        var rng = new Random(outF * 1000 + inF);
        var w = KernelAssert.Random(rng, outF * inF);
        var bias = inF % 2 == 0 ? [] : KernelAssert.Random(rng, outF);
        var x = KernelAssert.Random(rng, inF);
        var full = ReferenceDense.Forward(outF, inF, w, x, bias, 1);
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var listed = KeptSets.Random(rng, outF, form);
            var z = KernelAssert.Random(rng, listed.Length);
            ListedOutputDense.At(w, outF, inF, x, listed, bias, z);
            KernelAssert.Close(listed.Select(j => full[j]).ToArray(), z, inF, $"{outF}x{inF} listed {listed.Length}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Transposed_MatchesReferenceOfTheSparseDy(int outF, int inF)
    {
        var rng = new Random(outF * 1000 + inF + 7);
        var w = KernelAssert.Random(rng, outF * inF);
        for (int form = 0; form < KeptSets.Forms; form++)
        {
            var listed = KeptSets.Random(rng, outF, form);
            var values = KernelAssert.Random(rng, listed.Length);
            var expected = ReferenceDense.BackwardData(outF, inF, w, KeptSets.Scattered(values, listed, outF), 1);
            var dx = KernelAssert.Random(rng, inF); // overwritten
            ListedOutputDense.Transposed(w, outF, inF, listed, values, dx);
            KernelAssert.Close(expected, dx, outF, $"{outF}x{inF} listed {listed.Length}");
        }
    }

    [Fact]
    public void RejectsIndicesOutsideTheOutputAndMismatchedLengths()
    {
        var w = new float[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => ListedOutputDense.At(w, 3, 4, new float[4], [3], [], new float[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ListedOutputDense.Transposed(w, 3, 4, [-1], [1f], new float[4]));
        Assert.Throws<ArgumentException>(() => ListedOutputDense.At(w, 3, 4, new float[5], [0], [], new float[1]));
        Assert.Throws<ArgumentException>(() => ListedOutputDense.Transposed(w, 3, 4, [0, 1], [1f], new float[4]));
    }
}
