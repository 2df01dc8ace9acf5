using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Rules;

/// <summary>The vectorized stabilized divisions against plain loops of Zennit's formula, lengths 0..257 (vector tails),
/// with zeros of both signs among the denominators and the selectors.</summary>
public class StabilizerTests
{
    const float Eps = 1e-6f;

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (int n in new[] { 0, 1, 3, 7, 8, 9, 16, 17, 31, 64, 100, 255, 256, 257 })
            data.Add(n);
        return data;
    }

    /// <summary>Values in [-2, 2) with zeros of both signs (a quarter of them).</summary>
    internal static float[] Values(Random rng, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
            v[i] = rng.Next(8) switch { 0 => 0f, 1 => -0f, _ => (float)(rng.NextDouble() * 4 - 2) };
        return v;
    }

    static float Stab(float z) => z >= 0f ? z + Eps : z - Eps; // sgn(0) = +1, also for -0

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Divide_MatchesPlainLoop(int n)
    {
        var rng = new Random(n + 3);
        var r = Values(rng, n);
        var z = Values(rng, n);
        var s = new float[n];
        Stabilizer.Divide(r, z, Eps, s);
        Assert.Equal(Enumerable.Range(0, n).Select(i => r[i] / Stab(z[i])).ToArray(), s);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DivideAdd_MatchesPlainLoop(int n)
    {
        var rng = new Random(n + 23);
        var r = Values(rng, n);
        var z = Values(rng, n);
        var acc = Values(rng, n);
        var expected = Enumerable.Range(0, n).Select(i => acc[i] + r[i] / Stab(z[i])).ToArray();
        Stabilizer.DivideAdd(r, z, Eps, acc);
        Assert.Equal(expected, acc);
        Assert.Throws<ArgumentException>(() => Stabilizer.DivideAdd(r, new float[Math.Max(0, n - 1)], Eps, new float[n + (n == 0 ? 1 : 0)]));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DivideSum_MatchesPlainLoop(int n)
    {
        var rng = new Random(n + 13);
        var r = Values(rng, n);
        var a = Values(rng, n);
        var b = Values(rng, n);
        if (n > 4) b[n / 3] = -a[n / 3]; // a sum of exactly 0: stab gives +eps
        var expected = Enumerable.Range(0, n).Select(i => r[i] / Stab(a[i] + b[i])).ToArray();
        var s = Enumerable.Repeat(9f, n).ToArray(); // stale values must be overwritten
        Stabilizer.DivideSum(r, a, b, Eps, s);
        Assert.Equal(expected, s);
        var aliased = (float[])a.Clone(); // written over a, as ZBox does
        Stabilizer.DivideSum(r, aliased, b, Eps, aliased);
        Assert.Equal(expected, aliased);
        Assert.Throws<ArgumentException>(() => Stabilizer.DivideSum(r, a, new float[Math.Max(0, n - 1)], Eps, new float[n + (n == 0 ? 1 : 0)]));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DivideWhere_MatchesPlainLoop(int n)
    {
        var rng = new Random(n + 5);
        var r = Values(rng, n);
        var den = Values(rng, n);
        var z = Values(rng, n);
        foreach (bool positive in new[] { true, false })
        {
            var s = Enumerable.Repeat(9f, n).ToArray(); // stale values must be overwritten
            Stabilizer.DivideWhere(r, den, Eps, z, positive, s);
            var expected = Enumerable.Range(0, n)
                .Select(i => (positive ? z[i] > 0f : z[i] < 0f) ? r[i] / Stab(den[i]) : 0f).ToArray();
            Assert.Equal(expected, s);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Share_MatchesPlainLoop(int n)
    {
        var rng = new Random(n + 7);
        var r = Values(rng, n);
        var a = Values(rng, n);
        var b = Values(rng, n);
        if (n > 2) r[n / 2] = float.NaN;
        if (n > 4) b[n / 3] = -a[n / 3]; // a zero sum: the stabilizer's sign convention decides
        var expectedA = Enumerable.Range(0, n).Select(i => a[i] * (r[i] / Stab(a[i] + b[i]))).ToArray();
        var expectedB = Enumerable.Range(0, n).Select(i => b[i] * (r[i] / Stab(a[i] + b[i]))).ToArray();

        var rA = Enumerable.Repeat(9f, n).ToArray(); // stale values must be overwritten
        var rB = Enumerable.Repeat(9f, n).ToArray();
        Stabilizer.Share(r, Eps, a, b, rA, rB);
        Assert.Equal(expectedA, rA);
        Assert.Equal(expectedB, rB);

        // The first input only (the second one's relevance not wanted), written over its own input.
        var aliased = (float[])a.Clone();
        Stabilizer.Share(r, Eps, aliased, b, aliased, default);
        Assert.Equal(expectedA, aliased);

        // Outputs over the other operand: each lane reads a and b before it writes.
        var swapA = (float[])b.Clone();
        var swapB = (float[])a.Clone();
        Stabilizer.Share(r, Eps, swapB, swapA, swapA, swapB);
        Assert.Equal(expectedA, swapA);
        Assert.Equal(expectedB, swapB);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void GammaSplit_MatchesPlainLoopAndTheSeparatePasses(int n)
    {
        const float gamma = 0.25f;
        var rng = new Random(n + 11);
        var r = Values(rng, n);
        var z = Values(rng, n);
        var q = Values(rng, n);
        if (n > 2) r[n / 2] = float.NaN;
        if (n > 4) q[n / 3] = -z[n / 3] / gamma; // zpos exactly 0 where it can be: stab gives +eps
        var expectedP = Enumerable.Range(0, n).Select(i => z[i] > 0f ? r[i] / Stab(q[i] * gamma + z[i]) : 0f).ToArray();
        var expectedN = Enumerable.Range(0, n)
            .Select(i => z[i] < 0f ? r[i] / Stab(z[i] * (1f + gamma) + q[i] * -gamma) : 0f).ToArray();

        var sp = Enumerable.Repeat(9f, n).ToArray(); // stale values must be overwritten
        var sn = (float[])q.Clone();                 // written over q, as GammaStep does
        Stabilizer.GammaSplit(r, z, sn, gamma, Eps, sp, sn);
        Assert.Equal(expectedP, sp);
        Assert.Equal(expectedN, sn);

        // The passes this replaced, for bit-exactness with the earlier code.
        var passP = new float[n];
        var passN = (float[])q.Clone();
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(passN, gamma, z, passP);
        System.Numerics.Tensors.TensorPrimitives.Multiply(passN, -gamma, passN);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(z, 1f + gamma, passN, passN);
        Stabilizer.DivideWhere(r, passP, Eps, z, positive: true, passP);
        Stabilizer.DivideWhere(r, passN, Eps, z, positive: false, passN);
        Assert.Equal(passP, sp);
        Assert.Equal(passN, sn);
    }

    [Fact]
    public void GammaSplit_ShortOperand_Throws()
    {
        var ok = new float[9];
        Assert.Throws<ArgumentException>(() => Stabilizer.GammaSplit(new float[8], ok, ok, 0.25f, Eps, new float[9], new float[9]));
        Assert.Throws<ArgumentException>(() => Stabilizer.GammaSplit(ok, ok, new float[8], 0.25f, Eps, new float[9], new float[9]));
        Assert.Throws<ArgumentException>(() => Stabilizer.GammaSplit(ok, ok, ok, 0.25f, Eps, new float[9], new float[8]));
    }

    [Fact]
    public void Share_ShortOperand_Throws()
    {
        var ok = new float[9];
        Assert.Throws<ArgumentException>(() => Stabilizer.Share(ok, Eps, new float[8], ok, new float[9], new float[9]));
        Assert.Throws<ArgumentException>(() => Stabilizer.Share(ok, Eps, ok, new float[8], new float[9], new float[9]));
        Assert.Throws<ArgumentException>(() => Stabilizer.Share(new float[8], Eps, ok, ok, new float[9], default));
    }

    [Fact]
    public void DivideWhere_NaNOutsideTheMask_GivesZero()
    {
        var r = Enumerable.Repeat(float.NaN, 9).ToArray();
        var den = new float[9];
        var z = Enumerable.Repeat(-1f, 9).ToArray();
        var s = new float[9];
        Stabilizer.DivideWhere(r, den, Eps, z, positive: true, s);
        Assert.All(s, v => Assert.Equal(0f, v));
    }
}
