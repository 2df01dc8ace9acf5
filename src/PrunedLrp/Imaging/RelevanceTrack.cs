namespace PrunedLrp.Imaging;

/// <summary>
/// A bar plot of per-position relevance along a sequence (for DNA: relevance summed over the 4 bases): one bar per
/// position, <c>barWidth</c> pixels wide, rising from a grey zero line (row <c>height / 2</c>) for R &gt; 0 (red) and
/// falling for R &lt; 0 (blue), with length <c>round(min(1, |R| / vmax) h)</c> pixels, where h is the room on the smaller
/// side of the zero line (<c>min(height / 2, height - 1 - height / 2)</c>) and vmax = max |R| unless given; marked
/// intervals (motifs) are shaded behind the bars.
/// </summary>
public static class RelevanceTrack
{
    /// <summary>Positive bars.</summary>
    public static Rgb Positive { get; } = Rgb.FromHex(0xd62728);

    /// <summary>Negative bars.</summary>
    public static Rgb Negative { get; } = Rgb.FromHex(0x1f4fd6);

    /// <summary>Band behind marked intervals.</summary>
    public static Rgb Band { get; } = Rgb.FromHex(0xffe8a0);

    /// <summary>The zero line.</summary>
    public static Rgb Axis { get; } = Rgb.FromHex(0x9a9a9a);

    /// <summary>Renders <paramref name="relevance"/> [L] as an (L · barWidth) x height image.</summary>
    /// <param name="relevance">One value per position.</param>
    /// <param name="height">Image height; at least 3 (the zero line is row <c>height / 2</c>).</param>
    /// <param name="barWidth">Pixels per position.</param>
    /// <param name="marked">Intervals to shade; clipped to the sequence.</param>
    /// <param name="vmax">Scale: |R| = vmax fills half the height; non-positive or NaN = max |R|.</param>
    public static RgbImage Render(ReadOnlySpan<float> relevance, int height, int barWidth = 2,
        ReadOnlySpan<MarkedInterval> marked = default, float vmax = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 3);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(barWidth);
        int width = checked(relevance.Length * barWidth);
        var image = new RgbImage(width, height, Rgb.White);
        foreach (var m in marked)
        {
            if (m.End < m.Start)
                throw new ArgumentException($"marked interval [{m.Start}, {m.End}) ends before it starts", nameof(marked));
            int s = Math.Clamp(m.Start, 0, relevance.Length), e = Math.Clamp(m.End, 0, relevance.Length);
            image.FillRect(s * barWidth, 0, (e - s) * barWidth, height, Band);
        }
        int mid = height / 2;
        image.FillRect(0, mid, width, 1, Axis);
        if (!(vmax > 0))
            vmax = Heatmap.MaxAbs(relevance);
        if (!(vmax > 0))
            return image;
        int half = Math.Min(mid, height - 1 - mid); // room on the smaller side, so both directions share one scale
        for (int p = 0; p < relevance.Length; p++)
        {
            float r = relevance[p];
            int len = (int)MathF.Round(MathF.Min(1f, MathF.Abs(r) / vmax) * half);
            if (len == 0)
                continue;
            if (r > 0)
                image.FillRect(p * barWidth, mid - len, barWidth, len, Positive);
            else
                image.FillRect(p * barWidth, mid + 1, barWidth, len, Negative);
        }
        return image;
    }
}
