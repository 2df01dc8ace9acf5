using Xunit;
using PrunedLrp.Pruning;
using static PrunedLrp.Tests.Pruning.SelectionTestData;

namespace PrunedLrp.Tests.Pruning;

/// <summary>
/// <see cref="SelectionMarking.MarkAndScale"/> (PLRP-λ's one-pass marking and scaling) against a plain loop over the
/// flags of the scalar marking: every vector tail, tied blocks, and the two-half split.
/// </summary>
public class SelectionScaleTests
{
    const float LambdaPos = 1.37f, LambdaNeg = 0.61f;

    [Fact]
    public void MarkAndScale_MatchesPlainLoop_AllLengths0To257()
    {
        var rng = new Random(21);
        for (int n = 0; n <= 257; n++)
        {
            foreach (var kind in new[] { Kind.Ties, Kind.Normal, Kind.Extreme })
            {
                var r = Make(kind, n, seed: 3 * n + (int)kind);
                if (kind == Kind.Normal && n % 3 == 1)
                    r[rng.Next(n)] = float.NaN; // in a vector block or the tail, depending on where it lands
                // Thresholds taken from the data, so tied lanes force the lane-by-lane path in some blocks.
                float tp = n == 0 ? 1f : Math.Max(0.25f, MathF.Abs(r[rng.Next(n)]));
                float tn = n == 0 ? 1f : Math.Max(0.25f, MathF.Abs(r[rng.Next(n)]));
                AssertScalesLikePlainLoop(r, new SelectionCut(tp, rng.Next(4)), new SelectionCut(tn, rng.Next(4)));
            }
        }
    }

    [Theory]
    [InlineData(true, 0, 0)]                       // order-free cuts: two halves
    [InlineData(true, int.MaxValue, 0)]
    [InlineData(false, int.MaxValue, int.MaxValue)]
    [InlineData(true, 3, 0)]                       // a tie count: the one ordered pass
    [InlineData(true, 0, 8_000)]                   // the pruned ties run into the second half
    public void MarkAndScale_LargeInputs_MatchPlainLoop(bool fewValues, int posTies, int negTies)
    {
        var kind = fewValues ? Kind.Ties : Kind.Normal;
        foreach (int n in new[] { PassHalves.From, 2 * PassHalves.From + 13 })
        {
            var r = Make(kind, n, seed: n + negTies);
            var pos = new SelectionCut(kind == Kind.Ties ? 0.5f : MathF.Abs(r[17]), posTies);
            var neg = new SelectionCut(kind == Kind.Ties ? 1f : MathF.Abs(r[n - 5]), negTies);
            AssertScalesLikePlainLoop(r, pos, neg);
        }
    }

    [Fact]
    public void MarkAndScale_NaN_IsPrunedAndReported()
    {
        float[] r = [float.NaN, 3, -4, 0.5f, -0.5f, 2, -2, 1, -1, float.NaN];
        var marks = SelectionMarking.MarkAndScale(r, new SelectionCut(1f, 0), new SelectionCut(1f, int.MaxValue), 2f, 3f);
        Assert.Equal([0f, 6, -12, 0, 0, 4, -6, 2, 0, 0], r);
        Assert.Equal(3, marks.KeptPositive);  // 3, 2 and the tie 1 (no tie pruned)
        Assert.Equal(2, marks.KeptNegative);
        Assert.True(marks.SawNaN);
        Assert.Equal(-6, marks.SumAfter);
        // A NaN in a tied block (lane by lane) or in the tail is seen too; none, none.
        float[] tied = [1, 1, 1, 1, 1, 1, 1, float.NaN, 2, float.NaN];
        Assert.True(SelectionMarking.MarkAndScale(tied, new SelectionCut(1f, 3), new SelectionCut(1f, 0), 2f, 3f).SawNaN);
        Assert.False(SelectionMarking.MarkAndScale(new float[300], new SelectionCut(1f, 0), new SelectionCut(1f, 0), 2f, 3f).SawNaN);
    }

    static void AssertScalesLikePlainLoop(float[] r, SelectionCut pos, SelectionCut neg)
    {
        var keep = new bool[r.Length];
        SelectionMarking.MarkMassScalar(r, pos, neg, keep);
        var expected = new float[r.Length];
        double after = 0, magnitude = 0;
        int keptPositive = 0, keptNegative = 0;
        for (int i = 0; i < r.Length; i++)
        {
            expected[i] = keep[i] ? r[i] * (r[i] > 0 ? LambdaPos : LambdaNeg) : 0f;
            keptPositive += keep[i] && r[i] > 0 ? 1 : 0;
            keptNegative += keep[i] && r[i] < 0 ? 1 : 0;
            after += expected[i];
            magnitude += Math.Abs((double)r[i]) + Math.Abs((double)expected[i]);
        }
        bool hadNaN = r.Any(float.IsNaN);
        var marks = SelectionMarking.MarkAndScale(r, pos, neg, LambdaPos, LambdaNeg);
        Assert.Equal(expected, r); // the same single float product per entry: bit for bit
        Assert.Equal(keptPositive, marks.KeptPositive);
        Assert.Equal(keptNegative, marks.KeptNegative);
        Assert.Equal(hadNaN, marks.SawNaN);
        Assert.True(SameSum(after, marks.SumAfter, magnitude), $"sum after {after:R}, got {marks.SumAfter:R}");
    }

    // Sums in another order: equal (infinities included) or within double rounding of the entries' magnitudes.
    internal static bool SameSum(double expected, double actual, double magnitude) =>
        expected.Equals(actual) || Math.Abs(expected - actual) <= 1e-12 * magnitude;
}
