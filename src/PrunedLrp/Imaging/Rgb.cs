namespace PrunedLrp.Imaging;

/// <summary>An 8-bit sRGB colour.</summary>
/// <param name="R">Red, 0..255.</param>
/// <param name="G">Green, 0..255.</param>
/// <param name="B">Blue, 0..255.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>0xffffff.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>0x000000.</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>The colour written as 0xRRGGBB.</summary>
    public static Rgb FromHex(int rrggbb) => new((byte)(rrggbb >> 16), (byte)(rrggbb >> 8), (byte)rrggbb);
}
