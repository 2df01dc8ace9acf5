using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// The guarded Winograd transposed product (<see cref="TransposedWinograd"/>, through <see cref="ConvOperator.BackwardData"/>)
/// against the plain-loop reference, with relevance-like inputs: entries many orders above their neighbours, Inf, and
/// kernels with zero weights. Each output's tolerance is that of the direct sum, relative to its own window's terms
/// <c>sum |w| |dy|</c>, so a huge entry's rounding reaching an output through a zero weight fails.
/// </summary>
public class TransposedWinogradTests
{
    static ConvShape Same3x3(int cin, int cout, int h, int w, int pad = 1) =>
        ConvOperatorTests.Shape(cin, cout, 1, h, w, 3, 3, 1, 1, pad, pad, pad, pad, 1, 1);

    // |got - ref| <= 1e-5 sqrt(k) (sum over the window of |w| |dy|) + 1e-30, and infinite references exactly.
    static void AssertLocal(in ConvShape s, float[] w, float[] dy, float[] dx, string what)
    {
        var expected = ReferenceConv.BackwardData(s, w, dy, 1);
        var magnitude = ReferenceConv.BackwardData(s, Array.ConvertAll(w, Math.Abs), Array.ConvertAll(dy, Math.Abs), 1);
        double tol = 1e-5 * Math.Sqrt(s.OutChannels * 9);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!double.IsFinite(expected[i]))
            {
                Assert.True(double.IsNaN(expected[i]) ? float.IsNaN(dx[i]) : dx[i] == expected[i], $"{what}: element {i} is {dx[i]}, expected {expected[i]}");
                continue;
            }
            double err = Math.Abs(dx[i] - expected[i]);
            Assert.True(err <= tol * magnitude[i] + 1e-30, $"{what}: element {i} is {dx[i]}, expected {expected[i]} (its window's |terms| sum to {magnitude[i]:G3})");
        }
    }

    static float[] Run(in ConvShape s, float[] w, float[] dy)
    {
        var op = new ConvOperator(s, w);
        var rng = new Random(5);
        var dx = KernelAssert.Random(rng, s.InSize);
        op.BackwardData(dy, dx, 1, KernelAssert.Random(rng, op.ScratchLength(1)));
        return dx;
    }

    // Positive-only weights in (0.5, 1]: no zero weight, so the Winograd path applies.
    static float[] PositiveWeights(Random rng, int length)
    {
        var w = new float[length];
        for (int i = 0; i < w.Length; i++) w[i] = 0.5f + 0.5f * (float)rng.NextDouble();
        return w;
    }

    public static TheoryData<int, int, int, int, int> Shapes() => new()
    {
        { 16, 16, 12, 12, 1 },
        { 24, 17, 13, 9, 1 },   // half tiles at the bottom and right
        { 16, 20, 10, 11, 0 },  // valid conv: transposed pads 2
        { 20, 16, 9, 9, 2 },    // transposed pads 0
        { 16, 16, 16, 16, 1 },  // F(4x4) for zero-free kernels (dx of at least 16x16)
        { 17, 16, 18, 21, 1 },  // F(4x4) with partial tiles at the bottom and right
    };

    [Avx2Theory]
    [MemberData(nameof(Shapes))]
    public void HugeEntries_MatchTheDirectSumPerOutput(int cin, int cout, int h, int w, int pad)
    {
        // R/z with near-zero z: a few entries 1e7 times the rest, at tile borders and centres alike.
        var rng = new Random(cin * 31 + h);
        var s = Same3x3(cin, cout, h, w, pad);
        var weight = KernelAssert.Random(rng, s.WeightSize);
        var dy = KernelAssert.Random(rng, s.OutSize);
        for (int i = 0; i < 6; i++) dy[rng.Next(dy.Length)] = 1e7f * (rng.Next(2) * 2 - 1);
        AssertLocal(s, weight, dy, Run(s, weight, dy), $"{s}");
    }

    [Avx2Theory]
    [MemberData(nameof(Shapes))]
    public void Positions_FarBelowTheirPatch_StayAccurate(int cin, int cout, int h, int w, int pad)
    {
        // Nearly all of dy tiny (1e-6) with a few ordinary entries: most tiles are fine, the tiles around the ordinary
        // entries are recomputed directly (too few of them for the whole-product fallback).
        var rng = new Random(cout * 17 + w);
        var s = Same3x3(cin, cout, h, w, pad);
        var weight = PositiveWeights(rng, s.WeightSize);
        var dy = KernelAssert.Random(rng, s.OutSize);
        for (int i = 0; i < dy.Length; i++) dy[i] *= 1e-6f;
        dy[rng.Next(dy.Length)] = 1f;
        AssertLocal(s, weight, dy, Run(s, weight, dy), $"{s}");
    }

    [Avx2Fact]
    public void ManyFlaggedTiles_FallBackToTheDirectProduct()
    {
        // Every fourth position of every channel huge: far more than MaxFlaggedFraction of the tiles fail the guard.
        var rng = new Random(11);
        var s = Same3x3(16, 16, 14, 14);
        var weight = KernelAssert.Random(rng, s.WeightSize);
        var dy = KernelAssert.Random(rng, s.OutSize);
        for (int i = 0; i < dy.Length; i += 4) dy[i] = 1e8f;
        AssertLocal(s, weight, dy, Run(s, weight, dy), $"{s}");
    }

    [Avx2Fact]
    public void InfiniteEntry_ReachesOnlyItsReaders()
    {
        var rng = new Random(12);
        var s = Same3x3(16, 16, 10, 10);
        var weight = PositiveWeights(rng, s.WeightSize);
        var dy = KernelAssert.Random(rng, s.OutSize);
        dy[3 * 100 + 4 * 10 + 5] = float.PositiveInfinity;
        dy[7 * 100 + 8 * 10 + 1] = float.NaN;
        var dx = Run(s, weight, dy);
        AssertLocal(s, weight, dy, dx, $"{s}");
        Assert.Contains(dx, float.IsFinite); // the untouched region stays finite
    }

    [Avx2Fact]
    public void InfiniteEntriesInEveryWindowOfALargeTile_AreRecomputed()
    {
        // F(4x4): +Inf at the 2x2 centre of one 6x6 patch lies in the window of every output of that tile, so only the
        // Inf check (not the window peaks) can send the tile to the direct sum, which gives +Inf where Winograd's
        // transforms would give Inf - Inf = NaN.
        var rng = new Random(14);
        var s = Same3x3(16, 16, 16, 16); // transposed pads 1: tile (1, 1)'s patch starts at dy row and column 3
        var weight = PositiveWeights(rng, s.WeightSize);
        var dy = KernelAssert.Random(rng, s.OutSize);
        foreach (int r in new[] { 5, 6 })
        foreach (int c in new[] { 5, 6 })
            dy[2 * 256 + r * 16 + c] = float.PositiveInfinity;
        var dx = Run(s, weight, dy);
        AssertLocal(s, weight, dy, dx, $"{s}");
        Assert.Equal(16 * 16, dx.Count(float.IsPositiveInfinity)); // every channel of that tile's 16 outputs
    }

    // dy as pruned relevance leaves it: values over six orders of magnitude, with every channel zero on 4x4 blocks of
    // positions in a checkerboard, so a quarter of the outputs next to a zero block read only zeros.
    static float[] PrunedLike(Random rng, in ConvShape s)
    {
        var dy = KernelAssert.Random(rng, s.OutSize);
        for (int i = 0; i < dy.Length; i++) dy[i] *= MathF.Pow(10f, 6f * (float)rng.NextDouble() - 3f);
        for (int o = 0; o < s.OutChannels; o++)
            for (int i = 0; i < s.OutHeight; i++)
                for (int j = 0; j < s.OutWidth; j++)
                    if ((i / 4 + j / 4) % 2 == 1) dy[(o * s.OutHeight + i) * s.OutWidth + j] = 0f;
        return dy;
    }

    // W' [inC, outC * 9] of w [outC, inC, 3, 3]: W'[c, o, u, v] = w[o, c, 2 - u, 2 - v].
    static float[] Flipped(in ConvShape s, float[] w)
    {
        var flipped = new float[w.Length];
        for (int o = 0; o < s.OutChannels; o++)
            for (int c = 0; c < s.InChannels; c++)
                for (int t = 0; t < 9; t++)
                    flipped[(c * s.OutChannels + o) * 9 + t] = w[(o * s.InChannels + c) * 9 + 8 - t];
        return flipped;
    }

    [Avx2Theory]
    [InlineData(12, 12)] // F(2x2)
    [InlineData(18, 17)] // F(4x4) with partial tiles
    public unsafe void PrunedRelevance_ZeroWindowsGiveExactZeros_AndWinogradServesTheProduct(int h, int w)
    {
        // Whole tiles were recomputed when any of their outputs failed the range guard: this pattern flagged more than
        // MaxFlaggedFraction of the outputs and sent the product to the direct sum. Per output, an all-zero window is
        // the direct sum's exact zero and the others pass.
        var rng = new Random(h * 7 + w);
        var s = Same3x3(16, 16, h, w);
        var weight = PositiveWeights(rng, s.WeightSize);
        var dy = PrunedLike(rng, s);
        var winograd = new TransposedWinograd(s, PackedMatrix.PackLeft(false, s.InChannels, s.OutChannels * 9, Flipped(s, weight), s.OutChannels * 9));
        Assert.True(winograd.ZeroFree);
        var dx = KernelAssert.Random(rng, s.InSize);
        var scratch = KernelAssert.Random(rng, TransposedWinograd.ScratchLengthFor(s));
        bool served;
        fixed (float* pdy = dy, pdx = dx, ps = scratch)
            served = winograd.TryRun(pdy, pdx, ps, null);
        Assert.True(served, "the guard sent a pruned-like product to the direct sum");
        AssertLocal(s, weight, dy, dx, $"{s}");
        var expected = ReferenceConv.BackwardData(s, weight, dy, 1);
        int zeros = expected.Count(v => v == 0);
        Assert.True(zeros >= s.InSize / 16, $"only {zeros} exact zeros: the pattern no longer makes all-zero windows");
    }

    // The range guard as its remarks state it, tile by tile in plain loops: a tile of m x m outputs reads the
    // (m+2) x (m+2) patch of dy's channel peaks from (m ty - pt', m tx - pl'). Returns the outputs (i * W + j) to
    // recompute and those written as exact zeros.
    static (SortedSet<int> Recompute, SortedSet<int> Zero) GuardTwin(float[] peak, in ConvShape s, int m)
    {
        int pt = 2 - s.PadTop, pl = 2 - s.PadLeft, side = m + 2;
        var recompute = new SortedSet<int>();
        var zero = new SortedSet<int>();
        int outHeight = s.OutHeight, outWidth = s.OutWidth;
        float At(int r, int c) => r >= 0 && r < outHeight && c >= 0 && c < outWidth ? peak[r * outWidth + c] : 0f;
        for (int ty = 0; m * ty < s.InHeight; ty++)
            for (int tx = 0; m * tx < s.InWidth; tx++)
            {
                int r0 = m * ty - pt, c0 = m * tx - pl;
                float largest = 0f;
                for (int a = 0; a < side; a++)
                    for (int b = 0; b < side; b++)
                        largest = Math.Max(largest, At(r0 + a, c0 + b));
                if (largest == 0f) continue;
                bool infinite = float.IsPositiveInfinity(largest);
                float centre = Math.Max(Math.Max(At(r0 + 1, c0 + 1), At(r0 + 1, c0 + 2)), Math.Max(At(r0 + 2, c0 + 1), At(r0 + 2, c0 + 2)));
                bool wholeTile = infinite || (m == 2 && largest > TransposedWinograd.Range * centre);
                for (int a = 0; a < m && m * ty + a < s.InHeight; a++)
                    for (int b = 0; b < m && m * tx + b < s.InWidth; b++)
                    {
                        float window = 0f;
                        for (int u = 0; u < 3; u++)
                            for (int v = 0; v < 3; v++)
                                window = Math.Max(window, At(r0 + a + u, c0 + b + v));
                        int position = (m * ty + a) * s.InWidth + m * tx + b;
                        if (!infinite && window == 0f) zero.Add(position);
                        else if (wholeTile || (m == 4 && window < largest / TransposedWinograd.Range)) recompute.Add(position);
                    }
            }
        return (recompute, zero);
    }

    [Avx2Theory]
    [InlineData(12, 12, 1)] // F(2x2)
    [InlineData(13, 9, 1)]  // F(2x2), partial tiles
    [InlineData(10, 11, 0)] // F(2x2), transposed pads 2
    [InlineData(18, 21, 1)] // F(4x4), partial tiles
    [InlineData(16, 16, 2)] // F(4x4), transposed pads 0
    public unsafe void RangeGuard_FlagsWhatItsRuleSays(int h, int w, int pad)
    {
        // Channel peaks over six orders of magnitude, zero on random 3x3 blocks (as pruning leaves them), a few +Inf.
        var rng = new Random(h * 31 + w + pad);
        var s = Same3x3(16, 16, h, w, pad);
        var winograd = new TransposedWinograd(s, PackedMatrix.PackLeft(false, s.InChannels, s.OutChannels * 9,
            Flipped(s, PositiveWeights(rng, s.WeightSize)), s.OutChannels * 9));
        int m = Winograd3x3.TileFor(s.InHeight, s.InWidth);
        var peak = new float[s.OutHeight * s.OutWidth];
        for (int i = 0; i < peak.Length; i++) peak[i] = MathF.Pow(10f, 6f * (float)rng.NextDouble() - 3f);
        for (int k = 0; k < peak.Length / 12; k++)
        {
            int r = rng.Next(s.OutHeight), c = rng.Next(s.OutWidth);
            for (int i = r; i < Math.Min(r + 3, s.OutHeight); i++)
                for (int j = c; j < Math.Min(c + 3, s.OutWidth); j++)
                    peak[i * s.OutWidth + j] = 0f;
        }
        peak[rng.Next(peak.Length)] = float.PositiveInfinity;
        var (recompute, zero) = GuardTwin(peak, s, m);
        Assert.NotEmpty(recompute);
        Assert.NotEmpty(zero);
        var positions = new int[s.InHeight * s.InWidth];
        var zeros = new int[s.InHeight * s.InWidth];
        int count, zeroCount;
        fixed (float* pp = peak)
        fixed (int* ppos = positions, pz = zeros)
            (count, zeroCount) = winograd.Flag(pp, ppos, pz);
        Assert.Equal(recompute, new SortedSet<int>(positions.Take(count)));
        Assert.Equal(zero, new SortedSet<int>(zeros.Take(zeroCount)));
        Assert.Equal(count + zeroCount, recompute.Count + zero.Count); // no output listed twice
    }

    [Avx2Fact]
    public void ZeroWeights_HugeEntryInACentre_StaysInItsWindow()
    {
        // W+ of a signed kernel: half the links are zero, so outputs of a tile can miss a large centre entry that the
        // range guard counts on. Such kernels must take the direct product.
        var rng = new Random(13);
        var s = Same3x3(16, 16, 12, 12);
        var weight = Array.ConvertAll(KernelAssert.Random(rng, s.WeightSize), v => Math.Max(v, 0f));
        var dy = new float[s.OutSize];
        for (int i = 0; i < dy.Length; i++) dy[i] = 1e-3f * (float)rng.NextDouble();
        for (int p = 0; p < 144; p += 13)
            dy[p] = 1e6f; // one channel, as after PLRP masking; few enough tiles fail the range guard for Winograd to run
        AssertLocal(s, weight, dy, Run(s, weight, dy), $"{s}");
    }

    [Avx2Theory]
    [InlineData(false, 12, 12, 5, 6)] // F(2x2)
    [InlineData(true, 12, 12, 5, 6)]
    [InlineData(false, 16, 16, 5, 6)] // F(4x4): the huge entry inside tile (1, 1)'s patch
    [InlineData(true, 16, 16, 5, 6)]
    [InlineData(false, 19, 17, 16, 15)] // F(4x4) with partial tiles, the huge entry at the bottom right
    [InlineData(false, 20, 16, 0, 0)] // at a corner, so that the patches that read it are cut by the border
    public void ZeroWeights_WithTheFactor_RelevanceMatchesTheDirectSum(bool negativeWeights, int h, int w, int pr, int pc)
    {
        // PLRP-M's re-run: z+ near zero at p because every input with a positive link to p is zero, so R/z+ is huge
        // there, while inputs linked to p by a zero weight are not. The direct sum gives those inputs nothing from p;
        // Winograd's rounding of the huge entry would, times their x. With x passed, those positions are recomputed.
        // W- (alpha-beta's negative part) too: its leak bound must use the magnitude of its largest weight, not the
        // (negative) weight itself.
        var rng = new Random(14 + h);
        var s = Same3x3(16, 16, h, w);
        var weight = Array.ConvertAll(KernelAssert.Random(rng, s.WeightSize), v => negativeWeights ? Math.Min(v, 0f) : Math.Max(v, 0f));
        var dy = new float[s.OutSize];
        for (int i = 0; i < dy.Length; i++) dy[i] = 1e-3f * (float)rng.NextDouble();
        dy[pr * w + pc] = 1e6f; // channel 0
        var x = new float[s.InSize];
        for (int c = 0; c < 16; c++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    int u = pr - i + 1, v = pc - j + 1; // the tap of W'[c, 0] that links dy[0, p] to dx[c, i, j]
                    bool linked = u is >= 0 and < 3 && v is >= 0 and < 3;
                    x[(c * h + i) * w + j] = !linked ? (float)rng.NextDouble() : weight[(0 * 16 + c) * 9 + (2 - u) * 3 + (2 - v)] == 0f ? 1f : 0f;
                }
        AssertRelevanceMatchesTheDirectSum(s, weight, dy, x);
    }

    [Avx2Theory]
    [InlineData(14)] // F(2x2)
    [InlineData(17)] // F(4x4) with partial tiles
    public void ZeroWeights_BothGuardsInOneCall_RelevanceMatchesTheDirectSum(int side)
    {
        // Pruned-relevance-like input: huge entries in two channels (their tiles fail the range guard),
        // 3x3 blocks of zeros, small noise elsewhere; the leak bound then flags outputs near the huge entries that the
        // range guard passed. Both guards run in this one call; x dx must stay within the direct sum's rounding of the
        // sample's largest.
        var rng = new Random(16);
        int plane = side * side;
        var s = Same3x3(16, 16, side, side);
        var weight = Array.ConvertAll(KernelAssert.Random(rng, s.WeightSize), v => Math.Max(v, 0f));
        var dy = new float[s.OutSize];
        for (int i = 0; i < dy.Length; i++) dy[i] = 1e-3f * (float)rng.NextDouble();
        dy[3 * side + 3] = 1e6f; // channel 0; few enough tiles fail the range guard for Winograd to run
        dy[plane + 9 * side + 10] = 1e6f; // channel 1
        for (int k = 0; k < 5; k++)
        {
            int r = rng.Next(side - 2), c = rng.Next(side - 2);
            for (int o = 0; o < 16; o++)
                for (int i = r; i < r + 3; i++)
                    for (int j = c; j < c + 3; j++)
                        dy[o * plane + i * side + j] = 0f;
        }
        var x = new float[s.InSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(4) == 0 ? 0f : (float)rng.NextDouble();
        // Around each huge entry, as PLRP-M's re-run leaves it: inputs linked to it by a positive weight are zero, those
        // linked by a zero weight are not (the direct sum gives them nothing from it; Winograd's rounding would).
        foreach (var (o, pr, pc) in new[] { (0, 3, 3), (1, 9, 10) })
            for (int c = 0; c < 16; c++)
                for (int i = pr - 1; i <= pr + 1; i++)
                    for (int j = pc - 1; j <= pc + 1; j++)
                    {
                        int u = pr - i + 1, v = pc - j + 1;
                        x[(c * side + i) * side + j] = weight[(o * 16 + c) * 9 + (2 - u) * 3 + (2 - v)] == 0f ? 1f : 0f;
                    }
        var peak = new float[plane];
        for (int o = 0; o < 16; o++)
            for (int p = 0; p < plane; p++)
                peak[p] = Math.Max(peak[p], Math.Abs(dy[o * plane + p]));
        var (recompute, _) = GuardTwin(peak, s, Winograd3x3.TileFor(s.InHeight, s.InWidth));
        Assert.NotEmpty(recompute); // the range guard has positions of its own in this call

        AssertRelevanceMatchesTheDirectSum(s, weight, dy, x);
    }

    // The relevance x (.) dx of the guarded product (with x passed) within the direct sum's rounding of the sample's
    // largest |x dx|, output by output.
    static void AssertRelevanceMatchesTheDirectSum(ConvShape s, float[] weight, float[] dy, float[] x)
    {
        var op = new ConvOperator(s, weight);
        var dx = new float[s.InSize];
        op.BackwardData(dy, dx, 1, new float[op.ScratchLength(1)], x);
        var expected = ReferenceConv.BackwardData(s, weight, dy, 1);
        double largest = 0;
        for (int i = 0; i < x.Length; i++) largest = Math.Max(largest, Math.Abs(x[i] * expected[i]));
        for (int i = 0; i < x.Length; i++)
        {
            double err = Math.Abs(x[i] * dx[i] - x[i] * expected[i]);
            Assert.True(err <= 5e-5 * largest, $"x dx at {i} is {x[i] * dx[i]}, expected {x[i] * expected[i]} (largest {largest:G3})");
        }
    }

    [Theory]
    [InlineData(13, 11)] // F(2x2)
    [InlineData(17, 18)] // F(4x4), partial tiles
    public void BackwardData_FactorsWithZeroWeights_ManySamplesAndThreads_MatchReference(int h, int w)
    {
        // W+ kernels take the guarded path only with the factors: one shared operator, first used by several threads at
        // once (its transposed forms are built at that first call), three samples each with its own factors.
        var rng = new Random(15 + h);
        var s = Same3x3(16, 24, h, w);
        var weight = Array.ConvertAll(KernelAssert.Random(rng, s.WeightSize), v => Math.Max(v, 0f));
        var op = new ConvOperator(s, weight);
        const int batch = 3;
        var dy = KernelAssert.Random(rng, batch * s.OutSize);
        var x = Array.ConvertAll(KernelAssert.Random(rng, batch * s.InSize), Math.Abs);
        var expected = ReferenceConv.BackwardData(s, weight, dy, batch);
        var results = new float[4][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var dx = new float[batch * s.InSize];
            op.BackwardData(dy, dx, batch, new float[op.ScratchLength(batch)], x);
            results[t] = dx;
        });
        foreach (var dx in results)
            KernelAssert.Close(expected, dx, s.OutChannels * 9, $"{s} with factors");
    }

    [Fact]
    public void BackwardData_ShortFactor_Throws()
    {
        var s = Same3x3(16, 16, 8, 8);
        var op = new ConvOperator(s, new float[s.WeightSize]);
        var e = Assert.Throws<ArgumentException>(() =>
            op.BackwardData(new float[s.OutSize], new float[s.InSize], 1, new float[op.ScratchLength(1)], new float[s.InSize - 1]));
        Assert.Equal("factor", e.ParamName);
    }

    [Fact]
    public void HasNoZeroWeight_FindsNegativeZeroToo()
    {
        Assert.True(TransposedWinograd.HasNoZeroWeight([1f, -2f, 1e-30f]));
        Assert.False(TransposedWinograd.HasNoZeroWeight([1f, 0f, 3f]));
        Assert.False(TransposedWinograd.HasNoZeroWeight([1f, -0f]));
    }
}
