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
        var squares = KernelAssert.Random(rng, plane);
        var peakWithSquares = KernelAssert.Random(rng, plane);
        fixed (float* pd = dy, pp = peak, ps = sum, po = peakOnly, pq = squares, pw = peakWithSquares)
        {
            WinogradLeakBound.ChannelPeaksAndSums(pd, channels, plane, pp, ps);
            WinogradLeakBound.ChannelPeaksAndSums(pd, channels, plane, po, null);
            WinogradLeakBound.ChannelPeaksAndSums(pd, channels, plane, pw, pq, squares: true);
        }
        for (int p = 0; p < plane; p++)
        {
            double expected = 0, expectedSquares = 0;
            float expectedPeak = 0f;
            for (int o = 0; o < channels; o++)
            {
                float v = dy[o * plane + p];
                expected += Math.Abs(v);
                expectedSquares += (double)v * v;
                expectedPeak = Math.Max(expectedPeak, float.IsNaN(v) ? float.PositiveInfinity : Math.Abs(v));
            }
            if (!double.IsNaN(expected))
            {
                Assert.Equal(expected, sum[p], 1e-5);
                Assert.Equal(expectedSquares, squares[p], 1e-5);
            }
            else
            {
                Assert.True(float.IsNaN(sum[p]));
                Assert.True(float.IsNaN(squares[p]));
            }
            Assert.Equal(expectedPeak, peakWithSquares[p]);
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

    [Fact]
    public void LargeTileGain_IsSumOverElementsOfTheTransformsMagnitudes()
    {
        // Lavin and Gray's F(4x4, 3x3) matrices (points 0, +-1, +-2), written out here on their own.
        double[,] bt =
        {
            { 4, 0, -5, 0, 1, 0 }, { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 },
            { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 },
        };
        double[,] g =
        {
            { 1.0 / 4, 0, 0 }, { -1.0 / 6, -1.0 / 6, -1.0 / 6 }, { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
            { 1.0 / 24, 1.0 / 12, 1.0 / 6 }, { 1.0 / 24, -1.0 / 12, 1.0 / 6 }, { 0, 0, 1 },
        };
        double[,] at = { { 1, 1, 1, 1, 1, 0 }, { 0, 1, -1, 2, -2, 0 }, { 0, 1, 1, 4, 4, 0 }, { 0, 1, -1, 8, -8, 1 } };
        var gain = WinogradLeakBound.LargeTileGain.ToArray();
        Assert.Equal(24, gain.Length);
        for (int a = 0; a < 4; a++)
            for (int j = 0; j < 6; j++)
            {
                double expected = 0;
                for (int xi = 0; xi < 6; xi++)
                {
                    double rowOfG = Math.Abs(g[xi, 0]) + Math.Abs(g[xi, 1]) + Math.Abs(g[xi, 2]);
                    expected += Math.Abs(at[a, xi]) * rowOfG * Math.Abs(bt[xi, j]);
                }
                Assert.Equal(expected, gain[a * 6 + j], 5);
            }
        Assert.Equal(1f, WinogradLeakBound.KappaScale(4));
        // F(2x2)'s G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]: rows of |G| sum to at most 1.5, entries of G g G^T to 1.5^2 max |g|.
        Assert.Equal(2.25f, WinogradLeakBound.KappaScale(2));
    }

    [Theory]
    [InlineData(16, 16, 1)]
    [InlineData(17, 19, 1)] // partial tiles
    [InlineData(18, 16, 0)] // windows start at the sums' first row: their plane is 2 larger than the output
    [InlineData(16, 21, 2)]
    public void FlagLargeTiles_MatchesLoop(int height, int width, int pad)
    {
        // Small sums of squares with some zeros and a few large ones (as near huge R/z entries), peaks with zeros (never
        // flagged); the twin walks every output and adds its tile's whole 6x6 patch with the squared gains.
        var rng = new Random(height * 100 + width + pad);
        int padTop = pad, padLeft = pad, inputHeight = height + 2 - 2 * pad, inputWidth = width + 2 - 2 * pad;
        var sum = new float[inputHeight * inputWidth];
        for (int i = 0; i < sum.Length; i++)
            sum[i] = rng.Next(7) == 0 ? 0f : MathF.Pow(10f, rng.Next(40) == 0 ? 2f + 2f * (float)rng.NextDouble() : -9f + 3f * (float)rng.NextDouble());
        var peak = new float[height * width];
        for (int i = 0; i < peak.Length; i++) peak[i] = rng.Next(9) == 0 ? 0f : (float)rng.NextDouble();
        var gain = WinogradLeakBound.LargeTileGain.ToArray();
        float largest = 0.025f; // a limit near 1
        double limit = WinogradLeakBound.Share * largest / WinogradLeakBound.LargeTileLeak;
        var expected = new SortedSet<int>();
        double closest = double.PositiveInfinity; // how near the twin's bounds come to the limit (float rounding there)
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                if (peak[i * width + j] == 0f) continue;
                int r0 = i / 4 * 4 - padTop, c0 = j / 4 * 4 - padLeft;
                double bound = 0;
                for (int u = 0; u < 6; u++)
                    for (int v = 0; v < 6; v++)
                    {
                        int r = r0 + u, c = c0 + v;
                        if (r >= 0 && r < inputHeight && c >= 0 && c < inputWidth)
                            bound += Math.Pow((double)gain[i % 4 * 6 + u] * gain[j % 4 * 6 + v], 2) * sum[r * inputWidth + c];
                    }
                bound = Math.Sqrt(bound) * peak[i * width + j];
                closest = Math.Min(closest, Math.Abs(bound / limit - 1));
                if (bound > limit) expected.Add(i * width + j);
            }
        Assert.True(closest > 1e-4, "a bound within float rounding of the limit: pick another seed");
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < height * width / 2, $"{expected.Count} flagged: the sums no longer leave most outputs below the limit");
        var positions = new int[height * width];
        int count;
        fixed (float* ps = sum, pp = peak)
        fixed (int* pos = positions)
            count = WinogradLeakBound.FlagLargeTiles(ps, pp, largest, height, width, inputHeight, inputWidth, padTop, padLeft, pos);
        Assert.Equal(expected, new SortedSet<int>(positions[..count]));
        Assert.Equal(expected.Count, count); // none twice
    }
}
