using System.Buffers;

namespace PrunedLrp.Imaging;

/// <summary>
/// Renders a 2-D relevance map [H, W] to colour the way Zennit's <c>imgify(R, symmetric=True, cmap, level)</c> does:
/// with <c>vmax</c> = max|R| (or a given scale), each value becomes the palette index
/// <c>idx = trunc(clip(255 (R + vmax) / (2 vmax), 0, 255))</c> (float32 arithmetic, as numpy does for float32 input),
/// so R = 0 lands on index 127 (the centre of a diverging map), +vmax on 255 and -vmax on 0; the pixel is
/// <c>palette(level)[idx]</c> (see <see cref="ColorMap.Palette"/>). Values beyond ±vmax saturate.
/// </summary>
public static class Heatmap
{
    /// <summary>Renders <paramref name="relevance"/> [height, width] scaled by its own max |R|.</summary>
    public static RgbImage Render(ReadOnlySpan<float> relevance /* [H, W] */, int height, int width, ColorMap colorMap, double level = 1.0) =>
        Render(relevance, height, width, colorMap, MaxAbs(relevance), level);

    /// <summary>Renders <paramref name="relevance"/> [height, width] with the symmetric scale ±<paramref name="vmax"/>.
    /// A non-positive (or NaN) <paramref name="vmax"/> (all-zero relevance) renders every pixel as index 127, the centre colour.</summary>
    public static RgbImage Render(ReadOnlySpan<float> relevance /* [H, W] */, int height, int width, ColorMap colorMap, float vmax, double level)
    {
        if (relevance.Length != (long)height * width)
            throw new ArgumentException($"relevance has {relevance.Length} values, want {height} x {width}", nameof(relevance));
        var palette = colorMap.Palette(level);
        var image = new RgbImage(width, height);
        var px = image.Pixels;
        for (int i = 0; i < relevance.Length; i++)
        {
            var c = palette[Index(relevance[i], vmax)];
            px[3 * i] = c.R;
            px[3 * i + 1] = c.G;
            px[3 * i + 2] = c.B;
        }
        return image;
    }

    /// <summary>Renders channel-first relevance [channels, height, width] (e.g. of an RGB input) by first summing over
    /// the channels, as is usual for LRP heatmaps (Zennit examples: <c>relevance.sum(1)</c>), then scaling by max |sum|.</summary>
    public static RgbImage RenderSummed(ReadOnlySpan<float> relevance /* [C, H, W] */, int channels, int height, int width,
        ColorMap colorMap, double level = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        int plane = checked(height * width);
        if (relevance.Length != (long)channels * plane)
            throw new ArgumentException($"relevance has {relevance.Length} values, want {channels} x {height} x {width}", nameof(relevance));
        var sum = ArrayPool<float>.Shared.Rent(plane);
        try
        {
            var s = sum.AsSpan(0, plane);
            relevance[..plane].CopyTo(s);
            for (int c = 1; c < channels; c++)
            {
                var row = relevance.Slice(c * plane, plane);
                for (int i = 0; i < plane; i++)
                    s[i] += row[i];
            }
            return Render(s, height, width, colorMap, level);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sum);
        }
    }

    /// <summary>The palette index of <paramref name="r"/> for the symmetric scale ±<paramref name="vmax"/>.</summary>
    public static int Index(float r, float vmax)
    {
        if (!(vmax > 0))
            return 127;
        float vmin = -vmax;
        float t = (r - vmin) / (vmax - vmin) * 255f;
        if (!(t > 0)) return 0; // also NaN
        return t >= 255f ? 255 : (int)t;
    }

    /// <summary>max |R| (0 for an empty span).</summary>
    public static float MaxAbs(ReadOnlySpan<float> relevance)
    {
        float m = 0;
        foreach (float r in relevance)
            m = MathF.Max(m, MathF.Abs(r));
        return m;
    }

    /// <summary>
    /// The <paramref name="percentile"/>-th percentile (0..100) of |R| with linear interpolation between order
    /// statistics (numpy's default): <c>q = p/100 (n-1)</c>, <c>v = a_floor(q) + (q - floor q)(a_ceil(q) - a_floor(q))</c>
    /// on a = |R| sorted ascending. Use it as <c>vmax</c> to let a few extreme values saturate instead of washing out the map.
    /// </summary>
    public static float PercentileAbs(ReadOnlySpan<float> relevance, double percentile)
    {
        if (!(percentile is >= 0 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "want 0..100");
        int n = relevance.Length;
        if (n == 0)
            return 0;
        var a = ArrayPool<float>.Shared.Rent(n);
        try
        {
            var s = a.AsSpan(0, n);
            for (int i = 0; i < n; i++) s[i] = MathF.Abs(relevance[i]);
            s.Sort();
            double q = percentile / 100.0 * (n - 1);
            int lo = (int)Math.Floor(q), hi = Math.Min(n - 1, lo + 1);
            return (float)(s[lo] + (q - lo) * (s[hi] - s[lo]));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
        }
    }
}
