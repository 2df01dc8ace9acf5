using Xunit;
using PrunedLrp.Pruning;
using static PrunedLrp.Tests.Pruning.SelectionTestData;

namespace PrunedLrp.Tests.Pruning;

public class SelectionMassTests
{
    static readonly double[] FixedP = [0, 0.25, 0.5, 0.75, 0.9, 0.9999, 1];

    /// <summary>Runs the fast selection and checks it against the full-sort twin: same keep set, same tallies.</summary>
    static SelectionResult CheckAgainstReference(float[] r, double pPos, double pNeg, int? maxRounds = null, bool bothThreads = false)
    {
        var keep = new bool[r.Length];
        var scratch = new float[bothThreads ? RelevanceSelection.BothSignsScratchLength(r.Length) : RelevanceSelection.ScratchLength(r.Length)];
        var result = maxRounds is int rounds
            ? RelevanceSelection.SelectByMassCore(r, pPos, pNeg, keep, scratch, rounds)
            : bothThreads ? RelevanceSelection.SelectByMassOnBothThreads(r, pPos, pNeg, keep, scratch)
            : RelevanceSelection.SelectByMass(r, pPos, pNeg, keep, scratch);
        var expected = ReferenceSelection.ByMass(r, pPos, pNeg);
        for (int i = 0; i < r.Length; i++)
        {
            if (keep[i] != expected[i])
                Assert.Fail($"n={r.Length} p+={pPos:R} p-={pNeg:R}: entry {i} (r={r[i]:R}) kept={keep[i]}, reference says {expected[i]}");
        }
        var tally = ReferenceSelection.Tally(r, expected);
        Assert.Equal(tally.KeptPositive, result.KeptPositive);
        Assert.Equal(tally.KeptNegative, result.KeptNegative);
        AssertClose(tally.KeptPositiveMass, result.KeptPositiveMass);
        AssertClose(tally.KeptNegativeMass, result.KeptNegativeMass);
        AssertClose(r.Where(x => x > 0).Sum(x => (double)x), result.PositiveMass);
        AssertClose(r.Where(x => x < 0).Sum(x => (double)x), result.NegativeMass);
        return result;
    }

    static void AssertClose(double expected, double actual)
    {
        double tol = 1e-12 * Math.Max(1e-300, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"expected {expected:R}, got {actual:R}");
    }

    [Fact]
    public void SelectByMass_MatchesReference_AllLengths0To257()
    {
        var rng = new Random(11);
        foreach (var kind in AllKinds)
        {
            for (int n = 0; n <= 257; n++)
            {
                var r = Make(kind, n, seed: 1000 * n + (int)kind);
                CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble());
                CheckAgainstReference(r, FixedP[n % FixedP.Length], FixedP[(n + 3) % FixedP.Length]);
            }
        }
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void SelectByMass_MatchesReference_LargeSizes(int n)
    {
        var rng = new Random(n);
        foreach (var kind in new[] { Kind.Normal, Kind.Ties, Kind.Extreme })
        {
            var r = Make(kind, n, seed: n + (int)kind);
            CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble());
            CheckAgainstReference(r, 0.5, 0.9);
        }
    }

    [Theory]
    [InlineData(PassHalves.From - 1)]   // below the split: runs as SelectByMass
    [InlineData(PassHalves.From)]
    [InlineData(300_007)]
    public void SelectByMassOnBothThreads_MatchesReferenceAndSelectByMass(int n)
    {
        // Each sign's copy and cut search on its own kernel thread: the same keep set as the full-sort twin, and the
        // same result, to the last bit, as the one-thread selection.
        var rng = new Random(n + 1);
        foreach (var kind in AllKinds)
        {
            var r = Make(kind, n, seed: n + 31 * (int)kind);
            foreach (var (pPos, pNeg) in new[] { (0.9, 0.9), (0.5, 0.9999), (1.0, 0.0), (rng.NextDouble(), rng.NextDouble()) })
            {
                var both = CheckAgainstReference(r, pPos, pNeg, bothThreads: true);
                var keep = new bool[n];
                var one = RelevanceSelection.SelectByMass(r, pPos, pNeg, keep, new float[n]);
                Assert.Equal(one, both);
            }
        }
    }

    [Fact]
    public void SelectByMass_MatchesReference_SizesThatBracket()
    {
        // From 8192 candidates per sign on, rounds bracket the cut between sample quantiles; cover every kind and p.
        var rng = new Random(13);
        foreach (var kind in AllKinds)
        {
            foreach (int n in new[] { 16_411, 40_009 })
            {
                var r = Make(kind, n, seed: n + 17 * (int)kind);
                foreach (double p in FixedP)
                    CheckAgainstReference(r, p, 1 - p);
                CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble());
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9999)]
    [InlineData(1.0)]
    public void SelectByMass_MatchesReference_FixedProportionsWithTies(double p)
    {
        foreach (int n in new[] { 1, 7, 8, 9, 63, 64, 65, 1000, 4099 })
        {
            var r = Make(Kind.Ties, n, seed: n);
            CheckAgainstReference(r, p, p);
            CheckAgainstReference(r, p, 1 - p);
        }
    }

    [Fact]
    public void SelectByMass_SortingFallback_MatchesReference()
    {
        // maxRounds = 0 finishes every search by sorting; 3 stops after a few partition rounds.
        var rng = new Random(5);
        foreach (var kind in AllKinds)
        {
            foreach (int n in new[] { 0, 1, 50, 257, 5000 })
            {
                var r = Make(kind, n, seed: n * 7 + (int)kind);
                CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble(), maxRounds: 0);
                CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble(), maxRounds: 3);
            }
        }
    }

    [Fact]
    public void SelectByMass_AllZero_KeepsNothing()
    {
        foreach (double p in FixedP)
        {
            var result = CheckAgainstReference(new float[100], p, p);
            Assert.Equal(default, result);
        }
    }

    [Fact]
    public void SelectByMass_SingleNonZero_KeptUnlessPIsOne()
    {
        foreach (float value in new[] { 3f, -3f, float.Epsilon, -float.MaxValue })
        {
            var r = new float[37];
            r[20] = value;
            foreach (double p in FixedP)
            {
                var result = CheckAgainstReference(r, p, p);
                Assert.Equal(p < 1 ? 1 : 0, result.KeptPositive + result.KeptNegative);
            }
        }
    }

    [Fact]
    public void SelectByMass_PZero_PrunesOnlyZeros_POne_PrunesAll()
    {
        var r = Make(Kind.Sparse, 1000, seed: 3);
        var keep = new bool[r.Length];
        var scratch = new float[r.Length];
        RelevanceSelection.SelectByMass(r, 0, 0, keep, scratch);
        for (int i = 0; i < r.Length; i++)
            Assert.Equal(r[i] != 0, keep[i]);
        var result = RelevanceSelection.SelectByMass(r, 1, 0, keep, scratch);
        Assert.Equal(0, result.KeptPositive);
        for (int i = 0; i < r.Length; i++)
            Assert.Equal(r[i] < 0, keep[i]);
    }

    [Fact]
    public void SelectByMass_EqualMaxima_KeepsHighestIndexForPBelowOne()
    {
        // Prefix sums 1, 2, 3, 4 of total 4: with p = 0.9999 three fit, and the ascending order ends with index 3.
        float[] r = [1, 1, 1, 1];
        var keep = new bool[4];
        RelevanceSelection.SelectByMass(r, 0.9999, 0.9999, keep, new float[4]);
        Assert.Equal([false, false, false, true], keep);
        // p = 0.5: prefix 1, 2 fit (2 <= 2, borderline), so the first two by index are pruned.
        RelevanceSelection.SelectByMass(r, 0.5, 0.5, keep, new float[4]);
        Assert.Equal([false, false, true, true], keep);
    }

    [Fact]
    public void SelectByMass_HandWorkedExample()
    {
        // Positives 4, 1, 2, 3 (sum 10), p = 0.3: ascending 1, 2 (sum 3 <= 3) pruned, 3 and 4 kept.
        // Negatives -5, -1, -1 (magnitude 7), p = 0.3: 1, 1 (sum 2 <= 2.1) pruned, -5 kept. Zero pruned.
        float[] r = [4, -1, 1, 0, 2, -5, 3, -1];
        var keep = new bool[r.Length];
        var result = RelevanceSelection.SelectByMass(r, 0.3, 0.3, keep, new float[r.Length]);
        Assert.Equal([true, false, false, false, false, true, true, false], keep);
        Assert.Equal(new SelectionResult(2, 1, 10, 7, -7, -5), result);
    }

    [Fact]
    public void SelectByMass_Invariants_HoldOverRandomInputs()
    {
        var rng = new Random(77);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = rng.Next(1, 3000);
            var r = Make(trial % 2 == 0 ? Kind.Normal : Kind.Ties, n, seed: trial);
            double p = trial % 10 == 0 ? 0.9999 : rng.NextDouble();
            var keep = new bool[n];
            var result = RelevanceSelection.SelectByMass(r, p, p, keep, new float[n]);
            CheckSignInvariants(r, keep, x => x > 0, p, result.PositiveMass, result.KeptPositiveMass);
            CheckSignInvariants(r, keep, x => x < 0, p, -result.NegativeMass, -result.KeptNegativeMass);
            for (int i = 0; i < n; i++)
                Assert.False(r[i] == 0 && keep[i], "a zero was kept");
        }
    }

    /// <summary>
    /// With P the sign's mass (magnitudes) and S the pruned sum: S &lt;= pP, so kept = P - S &gt;= (1 - p)P; the prefix
    /// is the longest, so adding the smallest kept entry m would exceed pP: kept &lt; (1 - p)P + m (also when only the
    /// maximum survives through the p &lt; 1 rule, since then kept = m and (1 - p)P &gt; 0). For p &lt; 1 something is
    /// kept, and it is the largest; no pruned entry exceeds a kept one.
    /// </summary>
    static void CheckSignInvariants(float[] r, bool[] keep, Func<float, bool> sign, double p, double mass, double keptMass)
    {
        var kept = Enumerable.Range(0, r.Length).Where(i => sign(r[i]) && keep[i]).Select(i => Math.Abs(r[i])).ToArray();
        var pruned = Enumerable.Range(0, r.Length).Where(i => sign(r[i]) && !keep[i]).Select(i => Math.Abs(r[i])).ToArray();
        if (kept.Length + pruned.Length == 0)
            return;
        double slack = 1e-9 * mass;
        Assert.True(keptMass >= (1 - p) * mass - slack, $"kept {keptMass} < (1-p)P = {(1 - p) * mass}");
        Assert.NotEmpty(kept);
        Assert.True(keptMass < (1 - p) * mass + kept.Min() + slack, $"kept {keptMass} not minimal");
        Assert.Equal(kept.Concat(pruned).Max(), kept.Max());
        if (pruned.Length > 0)
            Assert.True(pruned.Max() <= kept.Min());
    }

    [Fact]
    public void SelectByMass_NaN_IsPruned_AndDoesNotDisturbTheRest()
    {
        var r = Make(Kind.Normal, 300, seed: 9);
        var clean = (float[])r.Clone();
        for (int i = 0; i < r.Length; i += 17)
        {
            r[i] = float.NaN;
            clean[i] = 0;
        }
        var keep = new bool[r.Length];
        RelevanceSelection.SelectByMass(r, 0.6, 0.4, keep, new float[r.Length]);
        Assert.Equal(ReferenceSelection.ByMass(clean, 0.6, 0.4), keep);
    }

    [Fact]
    public void SelectByMass_InfiniteEntries_KeepTheLastInfinityOnly()
    {
        float[] r = [1, float.PositiveInfinity, 2, float.PositiveInfinity, 3];
        var keep = new bool[r.Length];
        RelevanceSelection.SelectByMass(r, 0.5, 0.5, keep, new float[r.Length]);
        Assert.Equal(ReferenceSelection.ByMass(r, 0.5, 0.5), keep);
        Assert.Equal([false, false, false, true, false], keep);
        RelevanceSelection.SelectByMass(r, 0, 0, keep, new float[r.Length]);
        Assert.All(keep, Assert.True);
    }

    [Theory]
    [InlineData(-0.1, 0.5)]
    [InlineData(1.1, 0.5)]
    [InlineData(0.5, double.NaN)]
    [InlineData(0.5, -1e-300)]
    public void SelectByMass_RejectsProportionOutsideUnitInterval(double pPos, double pNeg)
    {
        var r = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => RelevanceSelection.SelectByMass(r, pPos, pNeg, new bool[4], new float[4]));
    }

    [Fact]
    public void SelectByMass_RejectsWrongBufferLengths()
    {
        var r = new float[10];
        Assert.Throws<ArgumentException>(() => RelevanceSelection.SelectByMass(r, 0.5, 0.5, new bool[9], new float[10]));
        Assert.Throws<ArgumentException>(() => RelevanceSelection.SelectByMass(r, 0.5, 0.5, new bool[11], new float[10]));
        Assert.Throws<ArgumentException>(() => RelevanceSelection.SelectByMass(r, 0.5, 0.5, new bool[10], new float[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RelevanceSelection.ScratchLength(-1));
    }

    [Fact]
    public void SelectByMass_DoesNotModifyInput()
    {
        var r = Make(Kind.Normal, 1000, seed: 4);
        var copy = (float[])r.Clone();
        RelevanceSelection.SelectByMass(r, 0.7, 0.7, new bool[r.Length], new float[r.Length]);
        Assert.Equal(copy, r);
    }
}
