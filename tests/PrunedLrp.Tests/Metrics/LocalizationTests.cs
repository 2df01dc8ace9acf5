using PrunedLrp.Metrics;
using Xunit;
using static PrunedLrp.Tests.Metrics.MetricsReference;

namespace PrunedLrp.Tests.Metrics;

public class LocalizationTests
{
    [Fact]
    public void MassAccuracy_HandDerived()
    {
        float[] r = [1, -5, 2, 3, 0];
        bool[] gt = [false, true, true, false, true];
        // positive mass 6, inside GT: 2 (the -5 does not count)
        AssertClose(2.0 / 6.0, RelevanceMassAccuracy.Compute(r, gt));
        Assert.Equal(0, RelevanceMassAccuracy.Compute([-1f, 0f], [true, true]));
        Assert.Equal(1, RelevanceMassAccuracy.Compute([0f, 4f, -1f], [false, true, false]));
    }

    [Fact]
    public void RankAccuracy_HandDerived()
    {
        float[] r = [0.5f, 3, -2, 1, 3];
        // K = 2: the two largest are indices 1 and 4 (both 3); GT holds 1 and 2 -> 1/2
        Assert.Equal(0.5, RelevanceRankAccuracy.Compute(r, [false, true, true, false, false]));
        // K = 3: 1, 4, then 3 (value 1); GT = {0, 3, 4} -> 2/3
        AssertClose(2.0 / 3.0, RelevanceRankAccuracy.Compute(r, [true, false, false, true, true]));
        Assert.Equal(0, RelevanceRankAccuracy.Compute(r, new bool[5]));
    }

    [Fact]
    public void RankAccuracy_TiesGoToLowerIndex()
    {
        float[] r = [1, 1, 1, 1];
        // K = 2 -> indices 0 and 1 are taken
        Assert.Equal(1, RelevanceRankAccuracy.Compute(r, [true, true, false, false]));
        Assert.Equal(0, RelevanceRankAccuracy.Compute(r, [false, false, true, true]));
        // -0 and +0 tie too
        Assert.Equal(1, RelevanceRankAccuracy.Compute([0f, -0f], [true, false]));
    }

    [Fact]
    public void MatchReference_Lengths0To257()
    {
        var rng = new Random(99);
        var scratch = new ulong[300];
        for (int n = 0; n <= 257; n++)
        {
            // coarse values make ties common
            var r = RandomSigned(rng, n).Select(v => MathF.Round(v * 4) / 4).ToArray();
            var gt = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3).ToArray();
            AssertClose(RefRma(r, gt), RelevanceMassAccuracy.Compute(r, gt), 1e-9);
            Assert.Equal(RefRankAccuracy(r, gt), RelevanceRankAccuracy.Compute(r, gt, scratch));
        }
    }

    [Fact]
    public void DnaSum_AddsTheFourChannels()
    {
        // [4, 3]: rows A, C, G, T
        float[] r = [1, 2, 3, 10, 20, 30, 100, 200, 300, -1, -2, -3];
        var dst = new float[3];
        DnaRelevance.SumOverChannels(r, dst);
        Assert.Equal([110f, 220, 330], dst);
        Assert.Throws<ArgumentException>(() => DnaRelevance.SumOverChannels(r, new float[4]));
    }

    [Fact]
    public void MeanStd_HandDerived()
    {
        var s = MeanStd.Of([1.0, 2, 3, 4]);
        Assert.Equal(2.5, s.Mean);
        AssertClose(Math.Sqrt(1.25), s.Std);
        Assert.Equal(4, s.Count);
        var f = MeanStd.Of([2f, 2f]);
        Assert.Equal(0, f.Std);
        Assert.True(double.IsNaN(MeanStd.Of(ReadOnlySpan<double>.Empty).Mean));
    }
}
