using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;
using static PrunedLrp.Tests.Kernels.ConvOperatorTests;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// The transformed kernels Winograd3x3 writes (PrepareKernels): the packed transform of every kernel, against the scalar
/// twin and PackedMatrix.PackLeft; and kernels written into the caller's memory at each call (the lean mode) give the
/// same bits as the ones the fast mode keeps.
/// </summary>
public class WinogradKernelsPerCallTests
{
    [Avx2Theory]
    [InlineData(16, 17, 9, 13, 2)]     // thread blocks; 17 rows = 2 full row panels of 6 and one of 5
    [InlineData(21, 16, 21, 37, 4)]    // thread blocks, F(4x4)
    [InlineData(300, 23, 9, 13, 2)]    // 2 depth blocks of 150 input channels; 23 = 3 x 6 + 5
    [InlineData(260, 200, 16, 18, 4)]  // shared blocks (U is 1.9M floats), 2 depth blocks of 130; 200 = 33 x 6 + 2
    [InlineData(256, 400, 7, 7, 2)]    // shared blocks at F(2x2) (U is 1.6M floats), a 7x7 output; 400 = 66 x 6 + 4
    public void KernelsPerCall_MatchOwnKernels_BitForBit(int cin, int cout, int outH, int outW, int tile)
    {
        var rng = new Random(cin * 7 + cout);
        var (s, stored, bias, x) = SamePadded3x3(rng, cin, cout, outH, outW);
        foreach (var variant in new[] { WeightVariant.Original, WeightVariant.Positive, WeightVariant.GammaNegative })
        {
            var modified = WeightVariants.Modify(stored, variant, 0.25f);
            var own = new Winograd3x3(cin, cout, outH, outW, outH, outW, 1, 1, modified, outputTile: tile);
            var perCall = Winograd3x3.WithKernelsPerCall(cin, cout, outH, outW, outH, outW, 1, 1, tile);
            Assert.Equal(own.ScratchLength, perCall.ScratchLength);
            Assert.Equal(Winograd3x3.KernelFloatsFor(cin, cout, tile), perCall.KernelFloats);
            // NaN everywhere first: every packed place, the zero rows past the last output channel included, must be written.
            var kernels = new float[perCall.KernelFloats];
            Array.Fill(kernels, float.NaN);
            var want = RunWinograd(own, x, bias, s.OutSize, rng);
            KernelAssert.Close(ReferenceConv.Forward(s, modified, x, bias, 1), want, cin * 9, $"own kernels {variant} {s}");
            for (int round = 0; round < 2; round++) // the second round overwrites the first's kernels
            {
                var got = Run(perCall, stored, WeightVariants.Map(variant, 0.25f), kernels, x, bias, s.OutSize, rng);
                Assert.Equal(want, got);
            }
        }
    }

    [Avx2Theory]
    [InlineData(16, 17, 2, false)]   // 17 rows = 2 full row panels of 6 and one of 5
    [InlineData(21, 16, 4, false)]
    [InlineData(300, 23, 2, false)]  // 2 depth blocks of 150 input channels; 23 = 3 x 6 + 5
    [InlineData(260, 13, 4, true)]   // the transposed product's kernel W'[c, o] = W[o, c] flipped, read straight from W
    [InlineData(17, 40, 2, true)]
    public unsafe void PrepareKernels_WritesEachKernelsTransformPacked(int rows, int columns, int tile, bool flipped)
    {
        // Against the scalar twin: U_ξ[o, c] = (G map(g_oc) G^T)_ξ, packed as a left operand by PackedMatrix.PackLeft
        // (zero rows padding the last panel included), KernelStride floats apart from the first cache line.
        var rng = new Random(rows * 31 + columns + tile);
        // Flipped: W is [columns, rows, 3, 3] and U's row r, column k takes W[k, r] with its taps reversed.
        var w = KernelAssert.Random(rng, rows * columns * 9);
        var op = Winograd3x3.WithKernelsPerCall(columns, rows, 8, 8, 8, 8, 1, 1, tile);
        var map = WeightVariants.Map(WeightVariant.GammaNegative, 0.25f);
        var kernels = new float[op.KernelFloats];
        Array.Fill(kernels, float.NaN);
        fixed (float* pw = w, pk = kernels)
        {
            if (flipped) op.PrepareKernels(pw, 9, rows * 9, flipped: true, map, pk);
            else op.PrepareKernels(pw, map, pk);
            int elements = (tile + 2) * (tile + 2);
            var u = new float[elements][];
            for (int xi = 0; xi < elements; xi++) u[xi] = new float[rows * columns];
            for (int r = 0; r < rows; r++)
            for (int k = 0; k < columns; k++)
            {
                var g = new float[9];
                for (int t = 0; t < 9; t++)
                    g[t] = map.Apply(flipped ? w[(k * rows + r) * 9 + 8 - t] : w[(r * columns + k) * 9 + t]);
                var transformed = ReferenceWinogradKernel.Transform(g, tile);
                for (int xi = 0; xi < elements; xi++) u[xi][r * columns + k] = transformed[xi];
            }
            float* first = Winograd3x3.AlignedKernels(pk);
            long stride = Winograd3x3.KernelStride(columns, rows);
            for (int xi = 0; xi < elements; xi++)
            {
                var packed = PackedMatrix.PackLeft(false, rows, columns, u[xi], columns);
                var want = new ReadOnlySpan<float>(packed.Data, packed.PaddedWidth * columns).ToArray();
                var got = new ReadOnlySpan<float>(first + xi * stride, packed.PaddedWidth * columns).ToArray();
                Assert.Equal(want, got);
            }
        }
    }

    [Avx2Fact]
    public void OwnKernels_Missing_Throws()
    {
        var perCall = Winograd3x3.WithKernelsPerCall(16, 16, 8, 8, 8, 8, 1, 1);
        Assert.Throws<InvalidOperationException>(() => RunWinograd(perCall, new float[16 * 64], new float[16], 16 * 64, new Random(1)));
    }

    static unsafe float[] Run(Winograd3x3 op, float[] weight, WeightMap map, float[] kernels, float[] x, float[] bias, int outSize, Random rng)
    {
        var scratch = KernelAssert.Random(rng, op.ScratchLength);
        var y = new float[outSize];
        fixed (float* pw = weight, pk = kernels, px = x, pb = bias, py = y, ps = scratch)
        {
            op.PrepareKernels(pw, map, pk);
            op.Run(px, pb, py, ps, rectify: false, pk);
        }
        return y;
    }
}
