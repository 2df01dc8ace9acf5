using PrunedLrp.Metrics;
using Xunit;
using static PrunedLrp.Tests.Metrics.MetricsReference;

namespace PrunedLrp.Tests.Metrics;

public class RegionPerturbationTests
{
    /// <summary>f(x) = w · x, accumulated in order in float.</summary>
    readonly struct LinearScorer(float[] w) : IScorer
    {
        public float Score(ReadOnlySpan<float> x)
        {
            float s = 0;
            for (int i = 0; i < x.Length; i++) s += w[i] * x[i];
            return s;
        }
    }

    [Fact]
    public void LinearScorer_HandDerivedCurveAndAopc()
    {
        float[] x = [1, 2, 3, 4];
        float[] w = [1, 1, 1, 1];
        // relevance = w * x: features go 3, 2, 1, 0; f drops by 4, 3, 2, 1
        var curve = new float[5];
        RegionPerturbation.MorfCurve(x, x, 0f, 1, 1, new LinearScorer(w), curve);
        Assert.Equal([10f, 6, 3, 1, 0], curve);
        Assert.Equal((4 + 7 + 9 + 10) / 4.0, RegionPerturbation.Aopc(curve));
    }

    [Fact]
    public void DelegateScorer_GivesSameCurve()
    {
        float[] x = [1, 2, 3, 4];
        var curve = new float[5];
        RegionPerturbation.MorfCurve(x, x, 0f, 1, 1, v => v[0] + v[1] + v[2] + v[3], curve);
        Assert.Equal([10f, 6, 3, 1, 0], curve);
    }

    [Fact]
    public void ScratchOverloads_DoNotAllocate()
    {
        var rng = new Random(11);
        var x = RandomSigned(rng, 400);
        var r = RandomSigned(rng, 400);
        var scorer = new LinearScorer(RandomSigned(rng, 400));
        var curve = new float[21];
        var work = new float[400];
        var order = new ulong[100];
        var fScratch = new float[400];
        var uScratch = new ulong[400];
        var mask = x.Select(v => v > 0).ToArray();
        double sink = 0;
        const int rounds = 61; // warm up past the tier-1 promotion (see Support.SteadyState), measure the last round
        for (int round = 0; round < rounds; round++)
        {
            if (round % 20 == 19)
                Thread.Sleep(150);
            long before = GC.GetAllocatedBytesForCurrentThread();
            RegionPerturbation.MorfCurve(x, r, 0.25f, 4, 5, scorer, curve, work, order);
            sink += RegionPerturbation.Aopc(curve);
            sink += Gini.Compute(r, fScratch) + Gini.Compute(r);
            sink += Entropy.Compute(r);
            sink += RelevanceMassAccuracy.Compute(r, mask);
            sink += RelevanceRankAccuracy.Compute(r, mask, uScratch) + RelevanceRankAccuracy.Compute(r, mask);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == rounds - 1)
                Assert.Equal(0, allocated);
        }
        Assert.True(double.IsFinite(sink));
    }

    [Fact]
    public void TwoPerStep_ExtraStepsRepeatFullyPerturbedScore()
    {
        float[] x = [1, 2, 3, 4, 5];
        float[] w = [1, -1, 2, 1, 1];
        float[] r = [0.1f, 0.5f, -1, 0.3f, 0.2f]; // order: 1, 3, 4, 0, 2
        var curve = new float[5];
        RegionPerturbation.MorfCurve(x, r, 0f, 1, 2, new LinearScorer(w), curve);
        // f0 = 1 - 2 + 6 + 4 + 5 = 14; remove {1,3}: 14 + 2 - 4 = 12; remove {4,0}: 12 - 5 - 1 = 6; remove {2}: 0
        Assert.Equal([14f, 12, 6, 0, 0], curve);
        Assert.Equal((2 + 8 + 14 + 14) / 4.0, RegionPerturbation.Aopc(curve));
    }

    [Fact]
    public void DnaGrouping_ReplacesWholePositionsWithQuarter()
    {
        // one-hot [4, 3]: A C T; relevance puts position 2 first, then 0, then 1
        float[] x = [1, 0, 0, /*C*/ 0, 1, 0, /*G*/ 0, 0, 0, /*T*/ 0, 0, 1];
        var original = x.ToArray();
        float[] r = [0.5f, 0, 0, 0, -0.2f, 0, 0, 0, 0, 0, 0, 0.9f];
        float[] w = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        var curve = new float[4];
        var work = new float[12];
        var order = new ulong[3];
        RegionPerturbation.MorfCurve(x, r, 0.25f, 4, 1, new LinearScorer(w), curve, work, order);
        // f0 = 1 + 5 + 12 = 18. Position 2 -> 0.25 * (3 + 6 + 9 + 12) = 7.5 replaces 12: 13.5.
        // Position 0 -> 0.25 * (1 + 4 + 7 + 10) = 5.5 replaces 1: 18. Position 1 -> 0.25 * (2+5+8+11) = 6.5 replaces 5: 19.5.
        Assert.Equal([18f, 13.5f, 18f, 19.5f], curve);
        Assert.Equal(original, x); // the input is not modified; the work buffer is
    }

    [Fact]
    public void MatchesReference_RandomLengthsAndGroupings()
    {
        var rng = new Random(7);
        foreach (int channels in new[] { 1, 3, 4 })
        {
            for (int positions = 0; positions <= 257; positions += channels == 1 ? 1 : 13)
            {
                int n = channels * positions;
                var x = RandomSigned(rng, n);
                var r = RandomSigned(rng, n, 0.3).Select(v => MathF.Round(v * 8) / 8).ToArray();
                var baseline = RandomSigned(rng, n);
                var w = RandomSigned(rng, n);
                int perStep = 1 + rng.Next(5);
                int steps = positions / perStep + 2;
                var curve = new float[steps + 1];
                var scorer = new LinearScorer(w);
                RegionPerturbation.MorfCurve(x, r, baseline, channels, perStep, scorer, curve, new float[n], new ulong[positions]);
                var expected = RefMorfCurve(x, r, baseline, channels, perStep, steps, xk => scorer.Score(xk));
                Assert.Equal(expected, curve);
            }
        }
    }

    [Fact]
    public void BadArguments_Throw()
    {
        var s = new LinearScorer(new float[4]);
        Assert.Throws<ArgumentException>(() => RegionPerturbation.Aopc([1f]));
        Assert.Throws<ArgumentException>(() => RegionPerturbation.MorfCurve(new float[4], new float[3], 0f, 1, 1, s, new float[2]));
        Assert.Throws<ArgumentException>(() => RegionPerturbation.MorfCurve(new float[4], new float[4], 0f, 3, 1, s, new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegionPerturbation.MorfCurve(new float[4], new float[4], 0f, 1, 0, s, new float[2]));
        Assert.Throws<ArgumentException>(() => RegionPerturbation.MorfCurve(new float[4], new float[4], new float[3], 1, 1, s, new float[2], new float[4], new ulong[4]));
    }
}
