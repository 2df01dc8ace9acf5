using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// <see cref="TransposedWinograd.MappedPeaks"/> (the lean Winograd form's leak-guard peaks) against a plain loop over
/// the modified copy, for every weight variant, row lengths 0..257 (all vector tails) and weights with and without zeros.
/// </summary>
public class MappedPeaksTests
{
    public static TheoryData<int> Variants() => new(Enum.GetValues<WeightVariant>().Select(v => (int)v));

    static (float[] Peaks, bool ZeroFree) Reference(float[] w, WeightVariant variant, int rows, int length)
    {
        var mapped = WeightVariants.Modify(w, variant, 0.3f);
        var peaks = new float[length];
        bool zeroFree = true;
        for (int r = 0; r < rows; r++)
        for (int k = 0; k < length; k++)
        {
            float v = mapped[r * length + k];
            zeroFree &= v != 0f;
            peaks[k] = Math.Max(peaks[k], Math.Abs(v));
        }
        return (peaks, zeroFree);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MappedPeaks_EqualThePlainLoop(int variantIndex)
    {
        var variant = (WeightVariant)variantIndex;
        var map = WeightVariants.Map(variant, 0.3f);
        var rng = new Random(11 + variantIndex);
        for (int length = 0; length <= 257; length++)
        foreach (int rows in new[] { 1, 3 })
        foreach (bool withZero in new[] { false, true })
        {
            // Weights in [-1, 1) with no zero, or one zero at a random place (the vector body or the tail).
            var w = new float[rows * length];
            for (int i = 0; i < w.Length; i++)
                w[i] = rng.NextDouble() < 0.5 ? -0.5f - 0.5f * (float)rng.NextDouble() : 0.5f + 0.5f * (float)rng.NextDouble();
            if (withZero && w.Length > 0)
                w[rng.Next(w.Length)] = 0f;
            var (expected, expectedZeroFree) = Reference(w, variant, rows, length);
            var peaks = KernelAssert.Random(rng, length); // stale contents must not leak into the result
            bool zeroFree = TransposedWinograd.MappedPeaks(w, map, rows, peaks);
            Assert.True(expected.AsSpan().SequenceEqual(peaks), $"{variant}, {rows} rows of {length}: peaks differ");
            Assert.True(expectedZeroFree == zeroFree, $"{variant}, {rows} rows of {length}, zero {withZero}: zero-free {zeroFree}");
        }
    }

    [Fact]
    public void MappedPeaks_WrongWeightCount_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => TransposedWinograd.MappedPeaks(new float[10], WeightMap.Identity, 3, new float[4]));
        Assert.Contains("10 weights are not 3 rows of 4", e.Message);
    }
}
