namespace PrunedLrp.Imaging;

/// <summary>
/// A piecewise-linear colour map over [0, 1], defined as Zennit 0.5.1 defines its maps: colour nodes at integer
/// positions 0..255 (plus a closing node at 256 repeating the last colour), linear interpolation in between.
/// For <c>x</c> in [0, 1], with <c>t = 255 x</c> and nodes <c>i_k &lt;= t &lt; i_{k+1}</c>:
/// <c>colour(x) = c_k (1 - a) + c_{k+1} a</c>, <c>a = (t - i_k) / (i_{k+1} - i_k)</c>.
/// </summary>
/// <remarks>
/// The built-in maps reproduce the node lists Zennit's colour-map language compiles from its sources in
/// <c>zennit.image.CMAPS</c> (positions of unindexed colours are spread evenly and truncated to integers, as Zennit does).
/// </remarks>
public sealed class ColorMap
{
    readonly int[] _positions;
    readonly Rgb[] _colors;

    /// <summary>A map through <paramref name="nodes"/>: positions strictly ascending, the first 0 and the last 255.</summary>
    public ColorMap(string name, params ReadOnlySpan<(int Position, Rgb Color)> nodes)
    {
        if (nodes.Length < 2 || nodes[0].Position != 0 || nodes[^1].Position != 255)
            throw new ArgumentException("a colour map needs at least two nodes, the first at 0 and the last at 255", nameof(nodes));
        _positions = new int[nodes.Length + 1];
        _colors = new Rgb[nodes.Length + 1];
        for (int k = 0; k < nodes.Length; k++)
        {
            if (k > 0 && nodes[k].Position <= nodes[k - 1].Position)
                throw new ArgumentException("colour map node positions must ascend strictly", nameof(nodes));
            _positions[k] = nodes[k].Position;
            _colors[k] = nodes[k].Color;
        }
        // Zennit closes every map with a node at 256 so that t = 255 falls inside the last segment
        _positions[^1] = 256;
        _colors[^1] = nodes[^1].Color;
        Name = name;
    }

    /// <summary>The map's name.</summary>
    public string Name { get; }

    /// <summary>Zennit's <c>'coldnhot'</c> (<c>0ff,00f,80:000,f00,ff0,fff</c>): cyan, blue, black at the centre, red,
    /// yellow, white; nodes at 0, 64, 128, 170, 212, 255.</summary>
    public static ColorMap ColdNHot { get; } = new("coldnhot",
        (0, Rgb.FromHex(0x00ffff)), (64, Rgb.FromHex(0x0000ff)), (128, Rgb.FromHex(0x000000)),
        (170, Rgb.FromHex(0xff0000)), (212, Rgb.FromHex(0xffff00)), (255, Rgb.FromHex(0xffffff)));

    /// <summary>Zennit's <c>'bwr'</c> (<c>00f,80:fff,f00</c>): blue, white at the centre, red; nodes at 0, 128, 255.</summary>
    public static ColorMap Bwr { get; } = new("bwr",
        (0, Rgb.FromHex(0x0000ff)), (128, Rgb.FromHex(0xffffff)), (255, Rgb.FromHex(0xff0000)));

    /// <summary>Zennit's <c>'gray'</c> (<c>000,fff</c>): black to white.</summary>
    public static ColorMap Gray { get; } = new("gray", (0, Rgb.Black), (255, Rgb.White));

    /// <summary>The built-in map called <paramref name="name"/> (coldnhot, bwr, gray).</summary>
    public static ColorMap FromName(string name) => name switch
    {
        "coldnhot" => ColdNHot,
        "bwr" => Bwr,
        "gray" => Gray,
        _ => throw new ArgumentException($"unknown colour map '{name}' (want coldnhot, bwr or gray)", nameof(name)),
    };

    /// <summary>The colour at <paramref name="x"/> (clipped to [0, 1]) as unrounded channel values in [0, 255].</summary>
    public (double R, double G, double B) Evaluate(double x)
    {
        double t = Math.Clamp(x * 255.0, 0.0, 255.0);
        int k = 0;
        while (k < _positions.Length - 2 && _positions[k + 1] <= t)
            k++;
        double a = (t - _positions[k]) / (_positions[k + 1] - _positions[k]);
        Rgb c0 = _colors[k], c1 = _colors[k + 1];
        return (c0.R * (1 - a) + c1.R * a, c0.G * (1 - a) + c1.G * a, c0.B * (1 - a) + c1.B * a);
    }

    /// <summary>
    /// Zennit's 256-entry palette at <paramref name="level"/>: entry j is the colour at
    /// <c>clip((level (2j/255 - 1) + 1) / 2, 0, 1)</c>, truncated to a byte. Level 1 spans the whole map; a level
    /// below 1 uses only the middle of the map, above 1 saturates earlier.
    /// </summary>
    public Rgb[] Palette(double level = 1.0)
    {
        var palette = new Rgb[256];
        for (int j = 0; j < 256; j++)
        {
            // numpy's linspace(-1, 1, 256): start + j * step, with the end point exact
            double v = j == 255 ? 1.0 : -1.0 + j * (2.0 / 255.0);
            double x = Math.Clamp((v * level + 1.0) / 2.0, 0.0, 1.0);
            var (r, g, b) = Evaluate(x);
            palette[j] = new Rgb(ToByte(r), ToByte(g), ToByte(b));
        }
        return palette;
    }

    // Zennit: (colour / 255 * 255).round(12).clip(0, 255).astype(uint8) -- round away float noise, then truncate
    static byte ToByte(double v) => (byte)Math.Clamp(Math.Floor(Math.Round(v / 255.0 * 255.0, 12)), 0, 255);
}
