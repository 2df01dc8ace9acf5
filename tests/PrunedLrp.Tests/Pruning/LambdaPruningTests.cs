using Xunit;
using PrunedLrp.Pruning;
using static PrunedLrp.Tests.Pruning.SelectionTestData;

namespace PrunedLrp.Tests.Pruning;

/// <summary>
/// <see cref="LambdaPruning"/> (PLRP-λ at one point, λ from the cut search's pruned mass) against the full-sort twin
/// of the selection and λ from plain flat-order sums of the kept entries.
/// </summary>
public class LambdaPruningTests
{
    static readonly double[] FixedP = [0, 0.25, 0.5, 0.9, 0.9999, 1];

    [Fact]
    public void ByMass_MatchesReference_AllLengths0To257()
    {
        var rng = new Random(41);
        foreach (var kind in AllKinds)
        {
            for (int n = 0; n <= 257; n++)
            {
                var r = Make(kind, n, seed: 7 * n + (int)kind);
                CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble());
                CheckAgainstReference(r, FixedP[n % FixedP.Length], FixedP[(n + 2) % FixedP.Length]);
            }
        }
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(PassHalves.From + 5)]   // both signs' searches and the pass on the kernel threads
    public void ByMass_MatchesReference_LargeSizes(int n)
    {
        var rng = new Random(n);
        foreach (var kind in new[] { Kind.Normal, Kind.Ties, Kind.Extreme, Kind.Sparse })
        {
            var r = Make(kind, n, seed: n + (int)kind);
            CheckAgainstReference(r, 0.5, 0.9);
            CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble());
        }
    }

    [Fact]
    public void ByMass_SortingFallback_MatchesReference()
    {
        // maxRounds = 0 finishes every search by sorting, 3 after a few rounds: each return path sets the pruned mass.
        var rng = new Random(43);
        foreach (var kind in AllKinds)
        {
            foreach (int n in new[] { 1, 50, 257, 20_000 })
            {
                var r = Make(kind, n, seed: 11 * n + (int)kind);
                CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble(), maxRounds: 0);
                CheckAgainstReference(r, rng.NextDouble(), rng.NextDouble(), maxRounds: 3);
            }
        }
    }

    [Fact]
    public void ByMass_TakesTheOnePassRouteUnlessTheKeptMassIsTiny()
    {
        var r = Make(Kind.Normal, 10_000, seed: 5);
        // The one-pass route leaves the flags alone; the marking route writes them.
        Assert.True(FlagsUntouched(r, 0.9, 0.5));
        Assert.True(FlagsUntouched(r, 0.99, 0.99));
        Assert.False(FlagsUntouched(r, 1, 0.5));       // nothing positive kept: λ+ from the marking
        Assert.False(FlagsUntouched(r, 0.5, 0.99999)); // kept negative mass below 1e-3 of it
    }

    static bool FlagsUntouched(float[] r, double pPos, double pNeg)
    {
        var keep = Enumerable.Repeat(true, r.Length).ToArray();
        LambdaPruning.ByMass(0, 0, (float[])r.Clone(), pPos, pNeg, keep, new float[2 * r.Length]);
        return keep.All(k => k);
    }

    [Fact]
    public void ByMass_RejectsBadArguments()
    {
        var r = new float[10];
        Assert.Throws<ArgumentException>(() => LambdaPruning.ByMass(0, 0, r, 0.5, 0.5, new bool[9], new float[20]));
        Assert.Throws<ArgumentException>(() => LambdaPruning.ByMass(0, 0, r, 0.5, 0.5, new bool[10], new float[19]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LambdaPruning.ByMass(0, 0, r, 1.5, 0.5, new bool[10], new float[20]));
    }

    static void CheckAgainstReference(float[] input, double pPos, double pNeg, int? maxRounds = null)
    {
        var keep = ReferenceSelection.ByMass(input, pPos, pNeg);
        var tally = ReferenceSelection.Tally(input, keep);
        double positive = input.Where(x => x > 0).Sum(x => (double)x), negative = input.Where(x => x < 0).Sum(x => (double)x);
        double lambdaPos = tally.KeptPositiveMass != 0 ? positive / tally.KeptPositiveMass : 0;
        double lambdaNeg = tally.KeptNegativeMass != 0 ? negative / tally.KeptNegativeMass : 0;
        var r = (float[])input.Clone();
        var report = maxRounds is int rounds
            ? LambdaPruning.ByMassCore(3, 1, r, pPos, pNeg, new bool[r.Length], new float[2 * r.Length], rounds)
            : LambdaPruning.ByMass(3, 1, r, pPos, pNeg, new bool[r.Length], new float[2 * r.Length]);
        string at = $"n={input.Length} p+={pPos:R} p-={pNeg:R}";
        double magnitude = 0;
        for (int i = 0; i < r.Length; i++)
        {
            float expected = keep[i] ? input[i] * (float)(input[i] > 0 ? lambdaPos : lambdaNeg) : 0f;
            // λ from other double sums may round to the neighbouring float: two float roundings apart at most.
            if (!(expected == r[i] || Math.Abs(expected - r[i]) <= 3e-7 * Math.Abs((double)expected)))
                Assert.Fail($"{at}: entry {i} (r={input[i]:R}) became {r[i]:R}, expected {expected:R}");
            magnitude += Math.Abs((double)input[i]) + Math.Abs((double)r[i]);
        }
        Assert.Equal((3, 1, input.Length), (report.Node, report.Sample, report.Entries));
        Assert.Equal(tally.KeptPositive + tally.KeptNegative, report.Kept);
        AssertClose(positive, report.PositiveMass, at);
        AssertClose(negative, report.NegativeMass, at);
        AssertClose(positive - tally.KeptPositiveMass, report.PrunedPositiveMass, at, scale: positive);
        AssertClose(negative - tally.KeptNegativeMass, report.PrunedNegativeMass, at, scale: negative);
        AssertClose(lambdaPos, report.LambdaPositive, at, relative: 1e-9);
        AssertClose(lambdaNeg, report.LambdaNegative, at, relative: 1e-9);
        Assert.True(SelectionScaleTests.SameSum(input.Sum(x => (double)x), report.SumBefore, magnitude), $"{at}: sum before");
        Assert.True(SelectionScaleTests.SameSum(r.Sum(x => (double)x), report.SumAfter, magnitude), $"{at}: sum after");
    }

    static void AssertClose(double expected, double actual, string at, double relative = 1e-12, double? scale = null)
    {
        double tol = relative * Math.Abs(scale ?? expected);
        Assert.True(expected.Equals(actual) || Math.Abs(expected - actual) <= tol, $"{at}: expected {expected:R}, got {actual:R}");
    }
}
