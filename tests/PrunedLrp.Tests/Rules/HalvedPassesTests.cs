using System.Numerics.Tensors;
using PrunedLrp.Layers;
using PrunedLrp.Pruning;
using Xunit;

namespace PrunedLrp.Tests.Rules;

/// <summary>
/// The relevance steps' element-wise passes split over both kernel threads against the one-pass kernels (themselves
/// tested against plain loops in <see cref="StabilizerTests"/>): bit for bit, on lengths around the split threshold
/// and odd ones (a half that ends inside a vector), in place as the steps call them.
/// </summary>
public class HalvedPassesTests
{
    const float Eps = 1e-6f;

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (int n in new[] { 0, 17, PassHalves.From - 1, PassHalves.From, PassHalves.From + 1, 3 * PassHalves.From + 13 })
            data.Add(n);
        return data;
    }

    // The stabilizer tests' values, with a NaN in the middle (where the halves meet).
    static float[] Values(Random rng, int n)
    {
        var v = StabilizerTests.Values(rng, n);
        if (n > 2) v[n / 2] = float.NaN;
        return v;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Divide_InPlace_MatchesOnePass(int n)
    {
        var rng = new Random(n + 1);
        var r = Values(rng, n);
        var z = Values(rng, n);
        var expected = new float[n];
        Stabilizer.Divide(r, z, Eps, expected);
        var s = (float[])z.Clone(); // the steps write s over z
        HalvedPasses.Divide(r, s, Eps, s);
        Assert.Equal(expected, s);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DivideSum_InPlace_MatchesOnePass(int n)
    {
        var rng = new Random(n + 6);
        var r = Values(rng, n);
        var a = Values(rng, n);
        var b = Values(rng, n);
        var expected = new float[n];
        Stabilizer.DivideSum(r, a, b, Eps, expected);
        var s = (float[])a.Clone(); // ZBox writes s over its first term
        HalvedPasses.DivideSum(r, s, b, Eps, s);
        Assert.Equal(expected, s);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Multiply_MatchesOnePass(int n)
    {
        var rng = new Random(n + 2);
        var a = Values(rng, n);
        var b = Values(rng, n);
        var expected = new float[n];
        TensorPrimitives.Multiply(a, b, expected);
        var y = Enumerable.Repeat(9f, n).ToArray();
        HalvedPasses.Multiply(a, b, y);
        Assert.Equal(expected, y);
        HalvedPasses.Multiply(a, b, b); // over an operand
        Assert.Equal(expected, b);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Share_MatchesOnePass(int n)
    {
        var rng = new Random(n + 3);
        var r = Values(rng, n);
        var a = Values(rng, n);
        var b = Values(rng, n);
        var expectedA = new float[n];
        var expectedB = new float[n];
        Stabilizer.Share(r, Eps, a, b, expectedA, expectedB);
        var rA = new float[n];
        var rB = new float[n];
        HalvedPasses.Share(r, Eps, a, b, rA, rB);
        Assert.Equal(expectedA, rA);
        Assert.Equal(expectedB, rB);
        var onlyA = (float[])a.Clone(); // the second input's relevance not wanted, written over the first input
        HalvedPasses.Share(r, Eps, onlyA, b, onlyA, default);
        Assert.Equal(expectedA, onlyA);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void GammaSplit_InPlace_MatchesOnePass(int n)
    {
        var rng = new Random(n + 4);
        var r = Values(rng, n);
        var z = Values(rng, n);
        var q = Values(rng, n);
        var expectedP = new float[n];
        var expectedN = new float[n];
        Stabilizer.GammaSplit(r, z, q, 0.25f, Eps, expectedP, expectedN);
        var sp = new float[n];
        var sn = (float[])q.Clone(); // the step writes sn over q
        HalvedPasses.GammaSplit(r, z, sn, 0.25f, Eps, sp, sn);
        Assert.Equal(expectedP, sp);
        Assert.Equal(expectedN, sn);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddMultiply_InPlace_MatchesOnePass(int n)
    {
        var rng = new Random(n + 5);
        var a = Values(rng, n);
        var b = Values(rng, n);
        var m = Values(rng, n);
        var expected = new float[n];
        TensorPrimitives.AddMultiply(a, b, m, expected);
        HalvedPasses.AddMultiply(a, b, m, b); // the step writes over its second term
        Assert.Equal(expected, b);
    }

    [Fact]
    public void ShortOperands_AreReportedAsByTheOnePass()
    {
        int n = PassHalves.From + 8;
        var ok = new float[n];
        Assert.Throws<ArgumentException>(() => HalvedPasses.Divide(new float[n - 1], ok, Eps, new float[n]));
        Assert.Throws<ArgumentException>(() => HalvedPasses.DivideSum(ok, ok, new float[n - 1], Eps, new float[n]));
        Assert.Throws<ArgumentException>(() => HalvedPasses.Multiply(ok, new float[n - 1], new float[n]));
        Assert.Throws<ArgumentException>(() => HalvedPasses.Share(ok, Eps, ok, new float[n - 1], new float[n], default));
        Assert.Throws<ArgumentException>(() => HalvedPasses.GammaSplit(ok, ok, new float[n - 1], 0.25f, Eps, new float[n], new float[n]));
        Assert.Throws<ArgumentException>(() => HalvedPasses.AddMultiply(ok, ok, new float[n - 1], new float[n]));
    }
}
