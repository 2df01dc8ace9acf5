using PrunedLrp.IO;

namespace PrunedLrp.Imaging;

/// <summary>
/// An 8-bit RGB raster, row-major with interleaved channels: pixel (x, y) is <c>Pixels[3 (y Width + x) .. + 3]</c>.
/// Also serves as the canvas the figure helpers draw panels onto.
/// </summary>
public sealed class RgbImage
{
    /// <summary>A <paramref name="width"/> x <paramref name="height"/> image filled with <paramref name="fill"/>.</summary>
    public RgbImage(int width, int height, Rgb fill = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if ((long)width * height * 3 > Array.MaxLength)
            throw new ArgumentException($"a {width} x {height} image is too large");
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        if (fill != default)
            FillRect(0, 0, width, height, fill);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The raw RGB bytes [Height, Width, 3].</summary>
    public byte[] Pixels { get; }

    /// <summary>The colour at (x, y); x to the right, y down.</summary>
    public Rgb this[int x, int y]
    {
        get
        {
            int o = Offset(x, y);
            return new Rgb(Pixels[o], Pixels[o + 1], Pixels[o + 2]);
        }
        set
        {
            int o = Offset(x, y);
            Pixels[o] = value.R;
            Pixels[o + 1] = value.G;
            Pixels[o + 2] = value.B;
        }
    }

    int Offset(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Width} x {Height} image");
        return (y * Width + x) * 3;
    }

    /// <summary>Fills the rectangle [x, x + width) x [y, y + height), clipped to the image.</summary>
    public void FillRect(int x, int y, int width, int height, Rgb color)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
        int x1 = (int)Math.Min(Width, (long)x + width), y1 = (int)Math.Min(Height, (long)y + height);
        for (int yy = y0; yy < y1; yy++)
        {
            for (int xx = x0; xx < x1; xx++)
            {
                int o = (yy * Width + xx) * 3;
                Pixels[o] = color.R;
                Pixels[o + 1] = color.G;
                Pixels[o + 2] = color.B;
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> with its top-left corner at (x, y), clipped to this image.</summary>
    public void Draw(RgbImage source, int x, int y)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
        int x1 = (int)Math.Min(Width, (long)x + source.Width), y1 = (int)Math.Min(Height, (long)y + source.Height);
        if (x1 <= x0)
            return;
        for (int yy = y0; yy < y1; yy++)
        {
            var src = source.Pixels.AsSpan(((yy - y) * source.Width + (x0 - x)) * 3, (x1 - x0) * 3);
            src.CopyTo(Pixels.AsSpan((yy * Width + x0) * 3));
        }
    }

    /// <summary>Nearest-neighbour upscaling: every pixel becomes a <paramref name="factor"/> x <paramref name="factor"/> block.</summary>
    public RgbImage Upscale(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        var dst = new RgbImage(checked(Width * factor), checked(Height * factor));
        for (int y = 0; y < dst.Height; y++)
        {
            int sy = y / factor;
            for (int x = 0; x < dst.Width; x++)
            {
                int s = (sy * Width + x / factor) * 3, d = (y * dst.Width + x) * 3;
                dst.Pixels[d] = Pixels[s];
                dst.Pixels[d + 1] = Pixels[s + 1];
                dst.Pixels[d + 2] = Pixels[s + 2];
            }
        }
        return dst;
    }

    /// <summary>The image as a PNG file image.</summary>
    public byte[] EncodePng() => PngEncoder.Encode(Pixels, Width, Height, 3);

    /// <summary>Writes the image as a PNG file.</summary>
    public void SavePng(string path) => PngEncoder.Save(path, Pixels, Width, Height, 3);
}
