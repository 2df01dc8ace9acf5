using Xunit;
using PrunedLrp.Pruning;
using static PrunedLrp.Tests.Pruning.SelectionTestData;

namespace PrunedLrp.Tests.Pruning;

public class SelectionTopKTests
{
    static void CheckAgainstReference(float[] r, int k, int? maxRounds = null)
    {
        var keep = new bool[r.Length];
        var scratch = new float[RelevanceSelection.ScratchLength(r.Length)];
        var result = maxRounds is int rounds
            ? RelevanceSelection.SelectTopKCore(r, k, keep, scratch, rounds)
            : RelevanceSelection.SelectTopK(r, k, keep, scratch);
        var expected = ReferenceSelection.TopK(r, k);
        for (int i = 0; i < r.Length; i++)
        {
            if (keep[i] != expected[i])
                Assert.Fail($"n={r.Length} k={k}: entry {i} (r={r[i]:R}) kept={keep[i]}, reference says {expected[i]}");
        }
        var tally = ReferenceSelection.Tally(r, expected);
        Assert.Equal(tally.KeptPositive, result.KeptPositive);
        Assert.Equal(tally.KeptNegative, result.KeptNegative);
        AssertClose(tally.KeptPositiveMass, result.KeptPositiveMass);
        AssertClose(tally.KeptNegativeMass, result.KeptNegativeMass);
        AssertClose(r.Where(x => x > 0).Sum(x => (double)x), result.PositiveMass);
        AssertClose(r.Where(x => x < 0).Sum(x => (double)x), result.NegativeMass);
    }

    static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void SelectTopK_MatchesReference_AllLengths0To257()
    {
        var rng = new Random(21);
        foreach (var kind in AllKinds)
        {
            for (int n = 0; n <= 257; n++)
            {
                var r = Make(kind, n, seed: 3000 * n + (int)kind);
                CheckAgainstReference(r, rng.Next(n + 1));
                CheckAgainstReference(r, 0);
                CheckAgainstReference(r, n);
                if (n > 0)
                {
                    CheckAgainstReference(r, 1);
                    CheckAgainstReference(r, n - 1);
                }
            }
        }
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void SelectTopK_MatchesReference_LargeSizes(int n)
    {
        var rng = new Random(n);
        foreach (var kind in new[] { Kind.Normal, Kind.Ties, Kind.Sparse })
        {
            var r = Make(kind, n, seed: n + (int)kind);
            CheckAgainstReference(r, rng.Next(n + 1));
            CheckAgainstReference(r, n / 10);
        }
    }

    [Fact]
    public void SelectTopK_MatchesReference_SizesThatBracket()
    {
        var rng = new Random(14);
        foreach (var kind in AllKinds)
        {
            int n = 20_011;
            var r = Make(kind, n, seed: n + 17 * (int)kind);
            foreach (int k in new[] { 1, 2, n / 100, n / 2, n - 2, n - 1, rng.Next(n + 1) })
                CheckAgainstReference(r, k);
        }
    }

    [Fact]
    public void SelectTopK_SortingFallback_MatchesReference()
    {
        var rng = new Random(8);
        foreach (var kind in AllKinds)
        {
            foreach (int n in new[] { 2, 50, 257, 5000 })
            {
                var r = Make(kind, n, seed: n * 3 + (int)kind);
                CheckAgainstReference(r, rng.Next(1, n), maxRounds: 0);
                CheckAgainstReference(r, rng.Next(1, n), maxRounds: 3);
            }
        }
    }

    [Fact]
    public void SelectTopK_TiesAcrossSigns_LowerIndexFirst()
    {
        // |r| = 2 at indices 1, 2, 4 (mixed signs): with k = 3, index 0 (|r| = 3) and the ties at 1 and 2 are kept.
        float[] r = [3, -2, 2, 1, -2, 0];
        var keep = new bool[r.Length];
        var result = RelevanceSelection.SelectTopK(r, 3, keep, new float[r.Length]);
        Assert.Equal([true, true, true, false, false, false], keep);
        Assert.Equal(new SelectionResult(2, 1, 6, 5, -4, -2), result);
    }

    [Fact]
    public void SelectTopK_ZerosAndNaN_RankAsZero_LowerIndexFirst()
    {
        // Three non-zeros, then k = 5 keeps two of the magnitude-0 entries: the lowest indices (0 and 1, one a NaN).
        float[] r = [0, float.NaN, 5, 0, -4, 3, 0];
        var keep = new bool[r.Length];
        var result = RelevanceSelection.SelectTopK(r, 5, keep, new float[r.Length]);
        Assert.Equal([true, true, true, false, true, true, false], keep);
        Assert.Equal(2, result.KeptPositive);
        Assert.Equal(1, result.KeptNegative);
    }

    [Fact]
    public void SelectTopK_KeepsExactlyK_AndNothingPrunedExceedsAKeptEntry()
    {
        var rng = new Random(31);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = rng.Next(1, 2000);
            var r = Make(AllKinds[trial % AllKinds.Length], n, seed: trial);
            int k = rng.Next(n + 1);
            var keep = new bool[n];
            RelevanceSelection.SelectTopK(r, k, keep, new float[n]);
            Assert.Equal(k, keep.Count(b => b));
            if (k > 0 && k < n)
            {
                float minKept = Enumerable.Range(0, n).Where(i => keep[i]).Min(i => MathF.Abs(r[i]));
                float maxPruned = Enumerable.Range(0, n).Where(i => !keep[i]).Max(i => MathF.Abs(r[i]));
                Assert.True(maxPruned <= minKept);
            }
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    [InlineData(int.MinValue)]
    public void SelectTopK_RejectsKOutsideZeroToN(int k)
    {
        var r = new float[10];
        Assert.Throws<ArgumentOutOfRangeException>(() => RelevanceSelection.SelectTopK(r, k, new bool[10], new float[10]));
    }

    [Fact]
    public void SelectTopK_RejectsWrongBufferLengths()
    {
        var r = new float[10];
        Assert.Throws<ArgumentException>(() => RelevanceSelection.SelectTopK(r, 3, new bool[9], new float[10]));
        Assert.Throws<ArgumentException>(() => RelevanceSelection.SelectTopK(r, 3, new bool[10], new float[9]));
    }

    [Theory]
    [InlineData(1000, 0.1, 100)]
    [InlineData(10, 0.25, 3)] // 2.5 rounds away from zero
    [InlineData(10, 0.24, 2)]
    [InlineData(7, 0.0, 0)]
    [InlineData(7, 1.0, 7)]
    [InlineData(0, 0.5, 0)]
    [InlineData(3, 0.1, 0)]
    public void TopKCount_RoundsToNearest(int n, double fraction, int expected) =>
        Assert.Equal(expected, RelevanceSelection.TopKCount(n, fraction));

    [Theory]
    [InlineData(10, -0.01)]
    [InlineData(10, 1.01)]
    [InlineData(10, double.NaN)]
    [InlineData(-1, 0.5)]
    public void TopKCount_RejectsBadArguments(int n, double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RelevanceSelection.TopKCount(n, fraction));
}
