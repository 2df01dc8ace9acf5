using Xunit;
using PrunedLrp.Pruning;
using static PrunedLrp.Tests.Pruning.SelectionTestData;

namespace PrunedLrp.Tests.Pruning;

/// <summary>Each vectorized pass against its scalar form over lengths 0..257 (every vector tail).</summary>
public class SelectionKernelTests
{
    static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Scan_MatchesScalar()
    {
        var rng = new Random(1);
        for (int n = 0; n <= 257; n++)
        {
            var v = Make(Kind.Ties, n, seed: n).Select(MathF.Abs).ToArray();
            float pivot = n == 0 ? 1f : v[rng.Next(n)];
            SelectionKernels.Scan(v, pivot, out int below, out int equal, out double sum);
            int b = 0, e = 0;
            double s = 0;
            SelectionKernels.ScanScalar(v, pivot, ref b, ref e, ref s);
            Assert.Equal(b, below);
            Assert.Equal(e, equal);
            AssertClose(s, sum);
            Assert.Equal(v.Count(x => x < pivot), below);
        }
    }

    [Fact]
    public void ScanBracket_MatchesScalar()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 257; n++)
        {
            var v = Make(Kind.Ties, n, seed: n).Select(MathF.Abs).ToArray();
            float lo = n == 0 ? 0.5f : v[rng.Next(n)];
            float hi = n == 0 ? 1f : Math.Max(lo, v[rng.Next(n)]);
            SelectionKernels.ScanBracket(v, lo, hi, out int below, out double belowSum, out int middle, out double middleSum);
            int b = 0, m = 0;
            double bs = 0, ms = 0;
            SelectionKernels.ScanBracketScalar(v, lo, hi, ref b, ref bs, ref m, ref ms);
            Assert.Equal(b, below);
            Assert.Equal(m, middle);
            AssertClose(bs, belowSum);
            AssertClose(ms, middleSum);
            Assert.Equal(v.Count(x => x >= lo && x <= hi), middle);
        }
    }

    [Fact]
    public void Compact_MatchesScalar_ForEveryFilter_OutOfPlaceAndInPlace()
    {
        var rng = new Random(2);
        for (int n = 0; n <= 257; n++)
        {
            var r = Make(Kind.Normal, n, seed: n);
            float pivot = (float)(rng.NextDouble() * 2 - 1);
            CheckCompact(r, new SelectionFilters.Positive());
            CheckCompact(r, new SelectionFilters.NegatedNegative());
            CheckCompact(r, new SelectionFilters.Below(pivot));
            CheckCompact(r, new SelectionFilters.Above(pivot));
            CheckCompact(r, new SelectionFilters.Between(-MathF.Abs(pivot), MathF.Abs(pivot)));
        }
    }

    static void CheckCompact<TFilter>(float[] src, TFilter filter) where TFilter : struct, ISelectionFilter
    {
        var expected = new float[src.Length];
        int expectedCount = SelectionKernels.CompactScalar(src, expected, filter, out double expectedSum);
        var dst = new float[src.Length];
        int count = SelectionKernels.Compact(src, dst, filter, out double sum);
        Assert.Equal(expectedCount, count);
        Assert.Equal(expected.AsSpan(0, count).ToArray(), dst.AsSpan(0, count).ToArray());
        AssertClose(expectedSum, sum);
        var inPlace = (float[])src.Clone();
        count = SelectionKernels.Compact(inPlace, inPlace, filter, out _);
        Assert.Equal(expected.AsSpan(0, expectedCount).ToArray(), inPlace.AsSpan(0, count).ToArray());
        inPlace = (float[])src.Clone();
        count = SelectionKernels.CompactWithoutSum(inPlace, inPlace, filter);
        Assert.Equal(expected.AsSpan(0, expectedCount).ToArray(), inPlace.AsSpan(0, count).ToArray());
    }

    [Fact]
    public void CopyMagnitudes_MatchesScalar()
    {
        for (int n = 0; n <= 257; n++)
        {
            var r = Make(Kind.Extreme, n, seed: n);
            if (n > 3)
                r[n / 2] = float.NaN;
            var dst = new float[n];
            SelectionKernels.CopyMagnitudes(r, dst, out double pos, out double neg);
            var expected = new float[n];
            double p = 0, q = 0;
            SelectionKernels.CopyMagnitudesScalar(r, expected, ref p, ref q);
            Assert.Equal(expected, dst);
            AssertClose(p, pos);
            AssertClose(q, neg);
            Assert.All(dst, x => Assert.True(x >= 0));
        }
    }

    [Fact]
    public void MarkMass_MatchesScalar_WithTiesAtTheThresholds()
    {
        var rng = new Random(3);
        for (int n = 0; n <= 257; n++)
        {
            var r = Make(Kind.Ties, n, seed: n);
            // Thresholds taken from the data, so tied lanes force the lane-by-lane path in some blocks.
            var pos = new SelectionCut(n == 0 ? 1f : Math.Max(0.25f, MathF.Abs(r[rng.Next(n)])), rng.Next(4));
            var neg = new SelectionCut(n == 0 ? 1f : Math.Max(0.25f, MathF.Abs(r[rng.Next(n)])), rng.Next(4));
            AssertMarksLikeScalar(r, pos, neg);
        }
    }

    [Theory]
    [InlineData(true, 0, 0)]                       // order-free cuts: marked as two halves
    [InlineData(true, int.MaxValue, 0)]
    [InlineData(true, int.MaxValue, int.MaxValue)]
    [InlineData(false, 0, 0)]
    [InlineData(true, 3, 0)]                       // a tie count: the one ordered pass
    [InlineData(true, 0, 8_000)]                   // about 13,000 entries at -1 (n = 2^17): the pruned ties run into the second half
    public void MarkMass_LargeInputs_MatchScalar(bool fewValues, int posTies, int negTies)
    {
        var kind = fewValues ? Kind.Ties : Kind.Normal;
        foreach (int n in new[] { PassHalves.From, 2 * PassHalves.From + 13 })
        {
            var r = Make(kind, n, seed: n + posTies);
            // Thresholds at values the data holds many times (Ties) or at one of its entries (Normal).
            var pos = new SelectionCut(kind == Kind.Ties ? 0.5f : MathF.Abs(r[17]), posTies);
            var neg = new SelectionCut(kind == Kind.Ties ? 1f : MathF.Abs(r[n - 5]), negTies);
            AssertMarksLikeScalar(r, pos, neg);
        }
    }

    // MarkMass against its scalar twin: the same flags and counts, and kept masses to double rounding.
    static void AssertMarksLikeScalar(float[] r, SelectionCut pos, SelectionCut neg)
    {
        var keep = new bool[r.Length];
        var expectedKeep = new bool[r.Length];
        var result = SelectionMarking.MarkMass(r, pos, neg, keep);
        var expected = SelectionMarking.MarkMassScalar(r, pos, neg, expectedKeep);
        Assert.Equal(expectedKeep, keep);
        Assert.Equal(expected.KeptPositive, result.KeptPositive);
        Assert.Equal(expected.KeptNegative, result.KeptNegative);
        AssertClose(expected.KeptPositiveMass, result.KeptPositiveMass);
        AssertClose(expected.KeptNegativeMass, result.KeptNegativeMass);
    }

    [Fact]
    public void MarkTopK_MatchesScalar_WithTiesAtTheThreshold()
    {
        var rng = new Random(4);
        for (int n = 0; n <= 257; n++)
        {
            var r = Make(Kind.Ties, n, seed: n + 500);
            var cut = new SelectionCut(n == 0 ? 1f : MathF.Abs(r[rng.Next(n)]), rng.Next(5));
            var keep = new bool[n];
            var expectedKeep = new bool[n];
            var result = SelectionMarking.MarkTopK(r, cut, keep);
            var expected = SelectionMarking.MarkTopKScalar(r, cut, expectedKeep);
            Assert.Equal(expectedKeep, keep);
            Assert.Equal(expected.KeptPositive, result.KeptPositive);
            Assert.Equal(expected.KeptNegative, result.KeptNegative);
            AssertClose(expected.KeptPositiveMass, result.KeptPositiveMass);
            AssertClose(expected.KeptNegativeMass, result.KeptNegativeMass);
        }
    }

    [Fact]
    public void Tables_PackAndSpreadEveryMask()
    {
        for (int mask = 0; mask < 256; mask++)
        {
            ulong pack = SelectionTables.PackIndices[mask];
            var lanes = Enumerable.Range(0, 8).Where(j => (mask >> j & 1) != 0).ToArray();
            for (int j = 0; j < lanes.Length; j++)
                Assert.Equal(lanes[j], (int)(pack >> (8 * j) & 0xFF));
            ulong spread = SelectionTables.SpreadBits[mask];
            for (int j = 0; j < 8; j++)
                Assert.Equal((ulong)(mask >> j & 1), spread >> (8 * j) & 0xFF);
        }
    }
}
