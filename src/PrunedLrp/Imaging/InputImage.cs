namespace PrunedLrp.Imaging;

/// <summary>
/// Renders a network input image [C, H, W] (C = 1: grayscale, C = 3: RGB) for display next to its heatmap, normalised
/// as Zennit's <c>imgify</c> does by default: <c>v = trunc(clip(255 (x - min) / (max - min), 0, 255))</c> with min and
/// max over the whole image (or given bounds). A constant image renders black.
/// </summary>
public static class InputImage
{
    /// <summary>Renders <paramref name="image"/> [channels, height, width] with its own min/max.</summary>
    public static RgbImage Render(ReadOnlySpan<float> image /* [C, H, W] */, int channels, int height, int width)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in image)
        {
            min = MathF.Min(min, v);
            max = MathF.Max(max, v);
        }
        return Render(image, channels, height, width, min, max);
    }

    /// <summary>Renders <paramref name="image"/> [channels, height, width] mapping [vmin, vmax] to [0, 255].</summary>
    public static RgbImage Render(ReadOnlySpan<float> image /* [C, H, W] */, int channels, int height, int width, float vmin, float vmax)
    {
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "want 1 (grayscale) or 3 (RGB) channels");
        int plane = height * width;
        if (image.Length != (long)channels * plane)
            throw new ArgumentException($"image has {image.Length} values, want {channels} x {height} x {width}", nameof(image));
        var result = new RgbImage(width, height);
        var px = result.Pixels;
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
                px[3 * i + c] = ToByte(image[(channels == 1 ? 0 : c) * plane + i], vmin, vmax);
        }
        return result;
    }

    static byte ToByte(float v, float vmin, float vmax)
    {
        if (!(vmax > vmin))
            return 0;
        float t = (v - vmin) / (vmax - vmin) * 255f;
        if (!(t > 0)) return 0;
        return t >= 255f ? (byte)255 : (byte)t;
    }
}
