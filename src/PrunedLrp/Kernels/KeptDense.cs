namespace PrunedLrp.Kernels;

/// <summary>
/// Dense products whose input side is non-zero only at a few listed entries K (PLRP-M's re-run), straight from the
/// row-major W [out, in]: <c>y[j] = b[j] + sum_{i in K} W[j, i] x[i]</c> and, at the kept entries only,
/// <c>dx[i] = sum_j W[j, i] dy[j]</c> (every other entry of dx is 0). Each reads |K| entries per row of W instead of
/// the whole row (VGG-16's first classifier layer: a few hundred of 25,088).
/// </summary>
internal static class KeptDense
{
    /// <summary>Whether <paramref name="kept"/> of <paramref name="inFeatures"/> entries make the listed product
    /// cheaper: the dense one streams every row, the listed one reads about a cache line per kept entry and row.</summary>
    public static bool Pays(int inFeatures, int kept) => (long)kept * 8 < inFeatures;

    /// <summary>One sample: <c>y = W x + bias</c> for x zero outside <paramref name="kept"/>; y overwritten.</summary>
    public static void Forward(ReadOnlySpan<float> w, int outFeatures, int inFeatures, ReadOnlySpan<float> x, ReadOnlySpan<int> kept,
        ReadOnlySpan<float> bias, Span<float> y)
    {
        Check(w.Length, outFeatures, inFeatures, x.Length, y.Length, kept);
        for (int j = 0; j < outFeatures; j++)
        {
            var row = w.Slice(j * inFeatures, inFeatures);
            float sum = 0f;
            foreach (int i in kept)
                sum = MathF.FusedMultiplyAdd(row[i], x[i], sum);
            y[j] = sum + (bias.IsEmpty ? 0f : bias[j]);
        }
    }

    /// <summary>One sample: <c>dx = W^T dy</c> at the <paramref name="kept"/> entries, 0 elsewhere.</summary>
    public static void BackwardData(ReadOnlySpan<float> w, int outFeatures, int inFeatures, ReadOnlySpan<float> dy, ReadOnlySpan<int> kept, Span<float> dx)
    {
        Check(w.Length, outFeatures, inFeatures, dx.Length, dy.Length, kept);
        dx.Clear();
        for (int j = 0; j < outFeatures; j++)
        {
            float d = dy[j];
            if (d == 0f)
                continue;
            var row = w.Slice(j * inFeatures, inFeatures);
            foreach (int i in kept)
                dx[i] = MathF.FusedMultiplyAdd(row[i], d, dx[i]);
        }
    }

    static void Check(int weights, int outFeatures, int inFeatures, int inLength, int outLength, ReadOnlySpan<int> kept)
    {
        if (weights != (long)outFeatures * inFeatures || inLength != inFeatures || outLength != outFeatures)
            throw new ArgumentException($"want W {outFeatures}x{inFeatures}, {inFeatures} inputs and {outFeatures} outputs; got {weights}, {inLength} and {outLength}");
        foreach (int i in kept)
        {
            if ((uint)i >= (uint)inFeatures)
                throw new ArgumentOutOfRangeException(nameof(kept), i, $"kept index outside the input's {inFeatures} entries");
        }
    }
}
