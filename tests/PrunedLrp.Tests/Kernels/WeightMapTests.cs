using System.Runtime.Intrinsics;
using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>The on-the-fly weight maps give exactly the modified copies of <see cref="WeightVariants.Modify(ReadOnlySpan{float}, WeightVariant, float, Span{float})"/>,
/// scalar and vector, for signed, zero and non-finite weights.</summary>
public class WeightMapTests
{
    public static TheoryData<int> Variants() => new(Enum.GetValues<WeightVariant>().Select(v => (int)v));

    [Theory]
    [MemberData(nameof(Variants))]
    public void Apply_EqualsTheModifiedCopy(int variantIndex)
    {
        var variant = (WeightVariant)variantIndex;
        var rng = new Random((int)variant);
        var w = KernelAssert.Random(rng, 61).Concat([0f, -0f, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e-30f, 3f]).ToArray();
        var expected = WeightVariants.Modify(w, variant, 0.3f);
        var map = WeightVariants.Map(variant, 0.3f);
        for (int i = 0; i < w.Length; i++)
            Assert.Equal(expected[i], map.Apply(w[i]));
        for (int i = 0; i + 8 <= w.Length; i += 8)
        {
            var mapped = map.Apply(Vector256.Create(w.AsSpan(i, 8)));
            for (int k = 0; k < 8; k++)
                Assert.Equal(expected[i + k], mapped[k]);
        }
        Assert.Equal(variant == WeightVariant.Original, map.IsIdentity);
    }
}
