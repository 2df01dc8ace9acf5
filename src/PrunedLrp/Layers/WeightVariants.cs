using System.Numerics.Tensors;

namespace PrunedLrp.Layers;

/// <summary>Elementwise weight and bias modifications of <see cref="WeightVariant"/> (Zennit's param modifiers).</summary>
internal static class WeightVariants
{
    public static float Apply(WeightVariant variant, float w, float gamma) => variant switch
    {
        WeightVariant.Original => w,
        WeightVariant.Positive => Math.Max(w, 0f),
        WeightVariant.Negative => Math.Min(w, 0f),
        WeightVariant.GammaPositive => w + gamma * Math.Max(w, 0f),
        WeightVariant.GammaNegative => w + gamma * Math.Min(w, 0f),
        WeightVariant.Ones => 1f,
        WeightVariant.Square => w * w,
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    /// <summary>The same modification as an on-the-fly map (see <see cref="Kernels.WeightMap"/>).</summary>
    public static Kernels.WeightMap Map(WeightVariant variant, float gamma) => variant switch
    {
        WeightVariant.Original => Kernels.WeightMap.Identity,
        WeightVariant.Positive => Kernels.WeightMap.Positive,
        WeightVariant.Negative => Kernels.WeightMap.Negative,
        WeightVariant.GammaPositive => Kernels.WeightMap.PlusPositive(gamma),
        WeightVariant.GammaNegative => Kernels.WeightMap.PlusNegative(gamma),
        WeightVariant.Ones => Kernels.WeightMap.Ones,
        WeightVariant.Square => Kernels.WeightMap.Square,
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    /// <summary>The modified copy of <paramref name="values"/>; for <see cref="WeightVariant.Ones"/> on a bias, zeros.</summary>
    public static float[] Modify(ReadOnlySpan<float> values, WeightVariant variant, float gamma, bool isBias = false)
    {
        var result = new float[values.Length];
        if (isBias && variant == WeightVariant.Ones)
            return result;
        Modify(values, variant, gamma, result);
        return result;
    }

    /// <summary>Writes the modified weights of <paramref name="values"/> into <paramref name="destination"/> (as long).</summary>
    public static void Modify(ReadOnlySpan<float> values, WeightVariant variant, float gamma, Span<float> destination)
    {
        if (destination.Length != values.Length)
            throw new ArgumentException($"destination has {destination.Length} values, want {values.Length}", nameof(destination));
        // Whole-array forms of Apply (VGG-16's conv weights: 15 million values per variant).
        switch (variant)
        {
            case WeightVariant.Positive:
                TensorPrimitives.Max(values, 0f, destination);
                return;
            case WeightVariant.Negative:
                TensorPrimitives.Min(values, 0f, destination);
                return;
            case WeightVariant.GammaPositive:
                TensorPrimitives.Max(values, 0f, destination);
                TensorPrimitives.MultiplyAdd(destination, gamma, values, destination);
                return;
            case WeightVariant.GammaNegative:
                TensorPrimitives.Min(values, 0f, destination);
                TensorPrimitives.MultiplyAdd(destination, gamma, values, destination);
                return;
        }
        for (int i = 0; i < values.Length; i++)
            destination[i] = Apply(variant, values[i], gamma);
    }
}
