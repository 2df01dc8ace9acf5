using PrunedLrp.Imaging;
using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.Imaging;

public class ColorMapTests
{
    [Theory]
    [InlineData("coldnhot", 1.0)]
    [InlineData("coldnhot", 0.5)]
    [InlineData("coldnhot", 2.0)]
    [InlineData("bwr", 1.0)]
    [InlineData("bwr", 0.5)]
    [InlineData("bwr", 2.0)]
    [InlineData("gray", 1.0)]
    [InlineData("gray", 0.5)]
    [InlineData("gray", 2.0)]
    public void Palette_EqualsZennit(string name, double level)
    {
        // palettes written by Zennit 0.5.1's own ColorMap (tools/fixtures/make_colormap_fixtures.py)
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "colormap", $"{name}_{level:0.0}.npy");
        var zennit = NpyFile.Read(path);
        Assert.Equal([256, 3], zennit.Shape);
        var ours = ColorMap.FromName(name).Palette(level);
        for (int j = 0; j < 256; j++)
            Assert.Equal(new Rgb((byte)zennit.Data[3 * j], (byte)zennit.Data[3 * j + 1], (byte)zennit.Data[3 * j + 2]), ours[j]);
    }

    [Fact]
    public void ColdNHot_EndpointsAndCentre()
    {
        var p = ColorMap.ColdNHot.Palette();
        Assert.Equal(new Rgb(0, 255, 255), p[0]);     // most negative: cyan
        Assert.Equal(new Rgb(255, 255, 255), p[255]); // most positive: white
        // centre: t = 255 (127/255) = 127 lies between blue (64) and black (128): blue = 255 (1 - 63/64) = 3.98 -> 3
        Assert.Equal(new Rgb(0, 0, 3), p[127]);
        // entry 128: t = 128 exactly, the black node
        Assert.Equal(new Rgb(0, 0, 0), p[128]);
    }

    [Fact]
    public void Bwr_EndpointsAndCentre()
    {
        var p = ColorMap.Bwr.Palette();
        Assert.Equal(new Rgb(0, 0, 255), p[0]);
        Assert.Equal(new Rgb(255, 0, 0), p[255]);
        // t = 127: 127/128 of the way from blue to white: red = green = 255 * 127 / 128 = 253.0 -> 253
        Assert.Equal(new Rgb(253, 253, 255), p[127]);
        Assert.Equal(new Rgb(255, 255, 255), p[128]);
    }

    [Fact]
    public void Constructor_RejectsBadNodes()
    {
        Assert.Throws<ArgumentException>(() => new ColorMap("x", (0, Rgb.Black)));
        Assert.Throws<ArgumentException>(() => new ColorMap("x", (0, Rgb.Black), (200, Rgb.White)));
        Assert.Throws<ArgumentException>(() => new ColorMap("x", (0, Rgb.Black), (0, Rgb.White), (255, Rgb.White)));
        Assert.Throws<ArgumentException>(() => ColorMap.FromName("viridis"));
    }
}
