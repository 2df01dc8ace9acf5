using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;
using static PrunedLrp.Tests.Kernels.ConvOperatorTests;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// The lean memory mode's Winograd forward: kernels written into the caller's memory at each call
/// (<see cref="Winograd3x3.PrepareKernels"/>) must be the ones the fast mode packs once, so both give the same bits.
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
