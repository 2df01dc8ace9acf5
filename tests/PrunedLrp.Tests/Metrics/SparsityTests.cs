using PrunedLrp.Metrics;
using Xunit;
using static PrunedLrp.Tests.Metrics.MetricsReference;

namespace PrunedLrp.Tests.Metrics;

public class SparsityTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(257)]
    public void OneNonZero_GiniIsNMinusOneOverN_EntropyIsZero(int n)
    {
        var r = new float[n];
        r[n / 2] = -3.5f;
        AssertClose((n - 1.0) / n, Gini.Compute(r));
        Assert.Equal(0, Entropy.Compute(r));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(256)]
    public void UniformMagnitude_GiniIsZero_EntropyIsLnN(int n)
    {
        var r = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 0.25f : -0.25f).ToArray();
        AssertClose(0, Gini.Compute(r));
        AssertClose(Math.Log(n), Entropy.Compute(r));
    }

    [Fact]
    public void HandDerived_1234()
    {
        // a = 1,2,3,4: sum (2i-5) a_i = -3 - 2 + 3 + 12 = 10; G = 10 / (4 * 10) = 0.25
        float[] r = [3, -1, 4, 2];
        AssertClose(0.25, Gini.Compute(r));
        // p = 0.1..0.4: H = -(0.1 ln 0.1 + 0.2 ln 0.2 + 0.3 ln 0.3 + 0.4 ln 0.4)
        AssertClose(-(0.1 * Math.Log(0.1) + 0.2 * Math.Log(0.2) + 0.3 * Math.Log(0.3) + 0.4 * Math.Log(0.4)), Entropy.Compute(r));
    }

    [Fact]
    public void EmptyAndAllZero_AreZero()
    {
        Assert.Equal(0, Gini.Compute([]));
        Assert.Equal(0, Entropy.Compute([]));
        Assert.Equal(0, Gini.Compute(new float[9]));
        Assert.Equal(0, Entropy.Compute(new float[9]));
    }

    [Fact]
    public void MatchesReference_Lengths0To257()
    {
        var rng = new Random(1234);
        var scratch = new float[300];
        for (int n = 0; n <= 257; n++)
        {
            var r = RandomSigned(rng, n);
            AssertClose(RefGini(r), Gini.Compute(r, scratch), 1e-6);
            AssertClose(RefEntropy(r), Entropy.Compute(r), 1e-6);
        }
    }

    [Fact]
    public void Gini_ScratchTooSmall_Throws() =>
        Assert.Throws<ArgumentException>(() => Gini.Compute(new float[5], new float[4]));
}
