using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// The packed column matrix of a strided convolution read from <see cref="ShiftedPlanes"/> against a plain-loop
/// im2col, block by block as the GEMM asks for it: depth blocks that start mid-channel and mid-kernel, column blocks
/// that start mid-row, partial last panels (whose missing columns must be 0).
/// </summary>
public unsafe class ShiftedPlanesTests
{
    // col[(c*kH + u)*kW + v, p*oW + q] = x[c, p*sh - pt + u, q*sw - pl + v*dw], 0 outside the input.
    static float[,] ReferenceColumns(in ConvShape s, float[] x, int channels)
    {
        int k = channels * s.KernelHeight * s.KernelWidth, n = s.OutHeight * s.OutWidth;
        var col = new float[k, n];
        for (int c = 0; c < channels; c++)
        for (int u = 0; u < s.KernelHeight; u++)
        for (int v = 0; v < s.KernelWidth; v++)
        for (int p = 0; p < s.OutHeight; p++)
        for (int q = 0; q < s.OutWidth; q++)
        {
            int ih = p * s.StrideHeight - s.PadTop + u * s.DilationHeight, iw = q * s.StrideWidth - s.PadLeft + v * s.DilationWidth;
            bool inside = ih >= 0 && ih < s.InHeight && iw >= 0 && iw < s.InWidth;
            col[(c * s.KernelHeight + u) * s.KernelWidth + v, p * s.OutWidth + q] = inside ? x[(c * s.InHeight + ih) * s.InWidth + iw] : 0f;
        }
        return col;
    }

    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes() => new()
    {
        // channels, height, width, kernel h, kernel w, stride h, stride w, pad, dilation w
        { 3, 29, 31, 7, 7, 2, 2, 3, 1 },   // a stem: 7 taps a row, two phases
        { 5, 28, 28, 3, 3, 2, 2, 1, 1 },   // 14-wide output rows: panels cross rows
        { 4, 14, 14, 3, 3, 2, 2, 1, 1 },   // 7-wide rows, 49 positions: a partial last panel of 1
        { 6, 27, 29, 1, 1, 2, 2, 0, 1 },   // 1x1 downsampling, odd sizes: one phase
        { 2, 17, 40, 3, 4, 3, 3, 2, 1 },   // stride 3: three phases, one tap each
        { 3, 20, 23, 5, 3, 2, 1, 2, 2 },   // stride along height only, dilated along width
        { 2, 9, 33, 2, 5, 1, 3, 1, 1 },    // stride along width only
        { 70, 12, 12, 3, 3, 2, 2, 1, 1 },  // 630 rows: several depth blocks, starting mid-kernel
        { 1, 1, 300, 1, 9, 1, 2, 4, 1 },   // 1-D, strided
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Pack_EveryBlock_MatchesPlainIm2Col(int channels, int h, int w, int kh, int kw, int sh, int sw, int pad, int dw)
    {
        var s = ConvOperatorTests.Shape(channels, 4, 1, h, w, kh, kw, sh, sw, pad, pad, pad, pad, 1, dw);
        Assert.True(ShiftedPlanes.Applies(s), $"{s}");
        var rng = new Random(channels * 1000 + h * 10 + kw);
        var x = KernelAssert.Random(rng, s.InSize);
        var expected = ReferenceColumns(s, x, channels);
        int k = expected.GetLength(0), n = expected.GetLength(1);
        // Stale planes must not leak: fill them with NaN first.
        var planes = new float[ShiftedPlanes.LengthFor(s, channels)];
        Array.Fill(planes, float.NaN);
        fixed (float* px = x)
        fixed (float* pp = planes)
        {
            var q = ShiftedPlanes.Build(s, px, channels, pp);
            // Blocks as the driver cuts them (depth steps; column blocks of whole panels), and odd cuts beside them.
            int step = GemmBlocking.DepthStep(k);
            foreach (var (pc0, depth) in new[] { (0, step), (Math.Min(k - 1, 5), Math.Min(step, k - Math.Min(k - 1, 5))) })
            foreach (int jc0 in new[] { 0, Math.Min(n - 1, 3 * GemmBlocking.NR) })
            {
                for (int pc = pc0; pc < k; pc += depth)
                {
                    int kc = Math.Min(depth, k - pc), nc = n - jc0;
                    int panels = (nc + GemmBlocking.NR - 1) / GemmBlocking.NR;
                    var packed = new float[kc * panels * GemmBlocking.NR];
                    Array.Fill(packed, float.NaN);
                    fixed (float* pd = packed)
                        ShiftedPlanes.Pack(&q, pc, kc, jc0, nc, pd);
                    for (int panel = 0; panel < panels; panel++)
                    for (int r = 0; r < kc; r++)
                    for (int t = 0; t < GemmBlocking.NR; t++)
                    {
                        int j = jc0 + panel * GemmBlocking.NR + t;
                        float want = j < n ? expected[pc + r, j] : 0f;
                        float got = packed[(panel * kc + r) * GemmBlocking.NR + t];
                        if (got != want && !(float.IsNaN(got) && float.IsNaN(want)))
                            Assert.Fail($"{s}: block (pc {pc}, jc {jc0}) row {pc + r} column {j}: {got}, want {want}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Applies_OnlyToStridedShapesWithUndilatedRowsAndBoundedPlanes()
    {
        Assert.False(ShiftedPlanes.Applies(ConvOperatorTests.Shape(8, 8, 1, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)));  // stride 1
        Assert.False(ShiftedPlanes.Applies(ConvOperatorTests.Shape(8, 8, 1, 20, 20, 3, 3, 2, 2, 1, 1, 1, 1, 2, 1)));  // dilated rows
        Assert.True(ShiftedPlanes.Applies(ConvOperatorTests.Shape(8, 8, 1, 20, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, 2)));   // dilated columns
        // A strided 1-D layer on a long sequence would need kW / sw times its input: it packs from the input instead.
        var genomics = ConvOperatorTests.Shape(64, 64, 1, 1, 1_000_000, 1, 9, 1, 2, 0, 0, 4, 4, 1, 1);
        Assert.True(ShiftedPlanes.LengthFor(genomics, 64) > 1 << 22);
        Assert.False(ShiftedPlanes.Applies(genomics));
    }

    [Fact]
    public void LengthFor_CountsPhasesTapsAndShiftedRows()
    {
        // ResNet-50's stem: 3 channels x 2 phases x 7 taps x (112 + 3 rows) x 112, plus the slack partial panels read.
        var stem = ConvOperatorTests.Shape(3, 64, 1, 224, 224, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1);
        Assert.Equal(3L * 2 * 7 * 115 * 112 + GemmBlocking.NR, ShiftedPlanes.LengthFor(stem, 3));
        // 1x1 stride 2: one phase, no shift.
        var down = ConvOperatorTests.Shape(256, 512, 1, 56, 56, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1);
        Assert.Equal(256L * 28 * 28 + GemmBlocking.NR, ShiftedPlanes.LengthFor(down, 256));
        // The operator's scratch holds them (a group's channels), or the col2im fold's block if larger.
        Assert.True(new ConvOperator(stem, new float[stem.WeightSize]).ScratchLength(1) >= ShiftedPlanes.LengthFor(stem, 3));
    }
}
