using System.Numerics.Tensors;

namespace PrunedLrp.Kernels;

/// <summary>
/// Dense products needed at a few listed outputs J only (PLRP-λ's pruned relevance, see <see cref="ListedOutputConv"/>),
/// straight from the row-major W [out, in]: <c>z[j] = b[j] + W[j, :] x</c> for j in J, and <c>dx = sum_{j in J} dy[j] W[j, :]</c>
/// (the same as <c>W^T dy</c> for dy zero outside J). Each reads |J| rows of W instead of all of them (VGG-16's first
/// classifier layer: 4,096 rows of 25,088 weights, 411 MB).
/// </summary>
internal static class ListedOutputDense
{
    /// <summary>Whether <paramref name="listed"/> of <paramref name="outFeatures"/> outputs make the listed products
    /// cheaper: both stream the rows they read, the listed ones fewer, but one at a time on one core.</summary>
    public static bool Pays(int outFeatures, int listed) => (long)listed * 8 <= outFeatures;

    /// <summary>The most outputs per sample for which <see cref="Pays"/> holds.</summary>
    public static int Limit(int outFeatures) => outFeatures / 8;

    /// <summary>One sample: z at the <paramref name="outputs"/>.</summary>
    public static void At(ReadOnlySpan<float> w, int outFeatures, int inFeatures, ReadOnlySpan<float> x, ReadOnlySpan<int> outputs,
        ReadOnlySpan<float> bias, Span<float> z)
    {
        Check(w.Length, outFeatures, inFeatures, x.Length, outputs, z.Length);
        for (int k = 0; k < outputs.Length; k++)
        {
            int j = outputs[k];
            z[k] = TensorPrimitives.Dot(w.Slice(j * inFeatures, inFeatures), x) + (bias.IsEmpty ? 0f : bias[j]);
        }
    }

    /// <summary>One sample: <c>dx = W^T dy</c> for dy zero outside the <paramref name="outputs"/>, given as its values
    /// there; dx overwritten.</summary>
    public static void Transposed(ReadOnlySpan<float> w, int outFeatures, int inFeatures, ReadOnlySpan<int> outputs, ReadOnlySpan<float> dy,
        Span<float> dx)
    {
        Check(w.Length, outFeatures, inFeatures, dx.Length, outputs, dy.Length);
        dx.Clear();
        for (int k = 0; k < outputs.Length; k++)
        {
            if (dy[k] != 0f)
                TensorPrimitives.MultiplyAdd(w.Slice(outputs[k] * inFeatures, inFeatures), dy[k], dx, dx);
        }
    }

    static void Check(int weights, int outFeatures, int inFeatures, int inLength, ReadOnlySpan<int> outputs, int valuesLength)
    {
        if (weights != (long)outFeatures * inFeatures || inLength != inFeatures)
            throw new ArgumentException($"want W {outFeatures}x{inFeatures} and {inFeatures} inputs; got {weights} weights and {inLength} inputs");
        if (valuesLength != outputs.Length)
            throw new ArgumentException($"{outputs.Length} listed outputs but {valuesLength} values");
        foreach (int j in outputs)
        {
            if ((uint)j >= (uint)outFeatures)
                throw new ArgumentOutOfRangeException(nameof(outputs), j, $"listed index outside the {outFeatures} outputs");
        }
    }
}
