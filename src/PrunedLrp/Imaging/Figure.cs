namespace PrunedLrp.Imaging;

/// <summary>Composes panels (input image, heatmaps, tracks) into one image; there is no text rendering.</summary>
public static class Figure
{
    /// <summary>Places <paramref name="panels"/> left to right, top-aligned, <paramref name="gap"/> pixels apart, on
    /// <paramref name="background"/> (white by default); the result is as tall as the tallest panel.</summary>
    public static RgbImage SideBySide(IReadOnlyList<RgbImage> panels, int gap = 4, Rgb? background = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        if (panels.Count == 0)
            return new RgbImage(0, 0);
        long width = (long)gap * (panels.Count - 1);
        int height = 0;
        foreach (var p in panels)
        {
            width += p.Width;
            height = Math.Max(height, p.Height);
        }
        var canvas = new RgbImage(checked((int)width), height, background ?? Rgb.White);
        int x = 0;
        foreach (var p in panels)
        {
            canvas.Draw(p, x, 0);
            x += p.Width + gap;
        }
        return canvas;
    }

    /// <summary>Places <paramref name="rows"/> top to bottom, left-aligned, <paramref name="gap"/> pixels apart.</summary>
    public static RgbImage Stacked(IReadOnlyList<RgbImage> rows, int gap = 4, Rgb? background = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        if (rows.Count == 0)
            return new RgbImage(0, 0);
        long height = (long)gap * (rows.Count - 1);
        int width = 0;
        foreach (var r in rows)
        {
            height += r.Height;
            width = Math.Max(width, r.Width);
        }
        var canvas = new RgbImage(width, checked((int)height), background ?? Rgb.White);
        int y = 0;
        foreach (var r in rows)
        {
            canvas.Draw(r, 0, y);
            y += r.Height + gap;
        }
        return canvas;
    }
}
