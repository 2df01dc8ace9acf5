using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary><see cref="WinogradLeakBound"/>'s vector passes against plain loops, over plane sizes that leave every vector tail.</summary>
public unsafe class WinogradLeakBoundTests
{
    public static TheoryData<int, int> Planes()
    {
        var data = new TheoryData<int, int>();
        foreach (int plane in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 31, 255, 256, 257 })
            data.Add(plane, 1 + plane % 3);
        return data;
    }

    [Theory]
    [MemberData(nameof(Planes))]
    public void ChannelPeaksAndSums_MatchLoop(int plane, int channels)
    {
        var rng = new Random(plane);
        var dy = KernelAssert.Random(rng, channels * plane);
        if (plane > 3) dy[3] = float.NaN; // a NaN counts as +Inf in the peak
        var peak = KernelAssert.Random(rng, plane); // overwritten
        var sum = KernelAssert.Random(rng, plane); // overwritten
        var peakOnly = KernelAssert.Random(rng, plane);
        fixed (float* pd = dy, pp = peak, ps = sum, po = peakOnly)
        {
            WinogradLeakBound.ChannelPeaksAndSums(pd, channels, plane, pp, ps);
            WinogradLeakBound.ChannelPeaksAndSums(pd, channels, plane, po, null);
        }
        for (int p = 0; p < plane; p++)
        {
            double expected = 0;
            float expectedPeak = 0f;
            for (int o = 0; o < channels; o++)
            {
                float v = dy[o * plane + p];
                expected += Math.Abs(v);
                expectedPeak = Math.Max(expectedPeak, float.IsNaN(v) ? float.PositiveInfinity : Math.Abs(v));
            }
            if (!double.IsNaN(expected)) Assert.Equal(expected, sum[p], 1e-5);
            else Assert.True(float.IsNaN(sum[p]));
            Assert.Equal(expectedPeak, peak[p]);
            Assert.Equal(expectedPeak, peakOnly[p]);
        }
    }

    [Theory]
    [MemberData(nameof(Planes))]
    public void FactorPeaks_MatchLoop(int plane, int channels)
    {
        var rng = new Random(100 + plane);
        var x = KernelAssert.Random(rng, channels * plane);
        var dx = KernelAssert.Random(rng, channels * plane);
        var kappa = Array.ConvertAll(KernelAssert.Random(rng, channels), Math.Abs);
        var peak = KernelAssert.Random(rng, plane);
        float largest;
        fixed (float* px = x, pdx = dx, pk = kappa, pp = peak)
            largest = WinogradLeakBound.FactorPeaks(px, pdx, pk, channels, plane, pp);
        float expectedLargest = 0f;
        for (int p = 0; p < plane; p++)
        {
            float expectedPeak = 0f;
            for (int c = 0; c < channels; c++)
            {
                expectedPeak = Math.Max(expectedPeak, kappa[c] * Math.Abs(x[c * plane + p]));
                expectedLargest = Math.Max(expectedLargest, Math.Abs(x[c * plane + p]) * Math.Abs(dx[c * plane + p]));
            }
            Assert.Equal(expectedPeak, peak[p]);
        }
        Assert.Equal(expectedLargest, largest);
    }

    [Fact]
    public void Flag_MarksTheWindowOfALargeSum()
    {
        // 6x7 output, 3x3 windows with pads 1 over a 6x7 input: a large sum at (2, 3) reaches the outputs (1..3, 2..4).
        const int h = 6, w = 7;
        var sum = new float[h * w];
        Array.Fill(sum, 1e-3f);
        sum[2 * w + 3] = 1e6f;
        var peak = new float[h * w];
        Array.Fill(peak, 1f);
        peak[0] = 0f; // a position whose factors are all zero is never flagged
        var positions = new int[h * w];
        int count;
        fixed (float* ps = sum, pp = peak)
        fixed (int* pos = positions)
            count = WinogradLeakBound.Flag(ps, pp, largest: 1f, h, w, h, w, 1, 1, pos);
        var expected = new List<int>();
        for (int i = 1; i <= 3; i++)
            for (int j = 2; j <= 4; j++) expected.Add(i * w + j);
        Assert.Equal(expected, positions[..count]);
    }
}
