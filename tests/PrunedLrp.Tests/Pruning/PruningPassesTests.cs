using PrunedLrp.Pruning;
using Xunit;

namespace PrunedLrp.Tests.Pruning;

/// <summary>The vectorized pruning passes against plain loops, over lengths 0..257 (vector tails) and lengths that run
/// as two halves on the kernel threads, with random signs, zeros and kept flags.</summary>
public class PruningPassesTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (int n in new[] { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 255, 256, 257 })
            data.Add(n);
        // Split into halves (PassHalves): at the bound, and with an odd tail past a split that is not a multiple of 8.
        data.Add(PassHalves.From);
        data.Add(2 * PassHalves.From + 13);
        return data;
    }

    static (float[] R, bool[] Keep) Case(int n)
    {
        var rng = new Random(n * 7 + 1);
        var r = new float[n];
        var keep = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int kind = rng.Next(6);
            r[i] = kind == 0 ? 0f : (float)((rng.NextDouble() - 0.4) * Math.Pow(10, rng.Next(-3, 4)));
            keep[i] = rng.Next(3) != 0;
        }
        return (r, keep);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ScaleKept_MatchesPlainLoop(int n)
    {
        var (r, keep) = Case(n);
        const float lambdaPos = 1.37f, lambdaNeg = 0.61f;
        var expected = new float[n];
        double expectedSum = 0;
        for (int i = 0; i < n; i++)
        {
            expected[i] = keep[i] ? r[i] * (r[i] > 0 ? lambdaPos : lambdaNeg) : 0f;
            expectedSum += expected[i];
        }
        double sum = PruningPasses.ScaleKept(r, keep, lambdaPos, lambdaNeg);
        Assert.Equal(expected, r); // the same single float product per entry: bit for bit
        Assert.Equal(expectedSum, sum, 1e-12 * (1 + expected.Sum(v => Math.Abs((double)v))));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Mask_MatchesPlainLoop(int n)
    {
        var (_, keep) = Case(n);
        var mask = Enumerable.Repeat(7f, n).ToArray(); // stale values must be overwritten
        PruningPasses.Mask(keep, mask);
        Assert.Equal(keep.Select(k => k ? 1f : 0f).ToArray(), mask);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sum_MatchesPlainLoop(int n)
    {
        var (r, _) = Case(n);
        double expected = 0, magnitude = 0;
        foreach (float v in r) { expected += v; magnitude += Math.Abs(v); }
        Assert.Equal(expected, PruningPasses.Sum(r), 1e-12 * (1 + magnitude));
    }

    [Fact]
    public void ScaleKept_NaN_StaysNaNWhenKept()
    {
        float[] r = [float.NaN, float.NaN, 1, 2, 3, 4, 5, 6, 7];
        bool[] keep = [true, false, true, true, true, true, true, true, true];
        PruningPasses.ScaleKept(r, keep, 2f, 3f);
        Assert.True(float.IsNaN(r[0]));
        Assert.Equal(0f, r[1]);
        Assert.Equal(2f, r[2]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ListKept_MatchesPlainLoop(int n)
    {
        var (_, keep) = Case(n);
        var expected = Enumerable.Range(0, n).Where(i => keep[i]).ToArray();
        var indices = Enumerable.Repeat(-7, expected.Length + 2).ToArray();
        int count = PruningPasses.ListKept(keep, indices);
        Assert.Equal(expected, indices.Take(count));
        Assert.Equal(-7, indices[count]); // nothing written past the list
        if (expected.Length > 0)
            Assert.Throws<ArgumentException>(() => PruningPasses.ListKept(keep, new int[expected.Length - 1]));
    }
}
