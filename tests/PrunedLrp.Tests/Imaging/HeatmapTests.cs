using PrunedLrp.Imaging;
using PrunedLrp.Tests.IO;
using Xunit;

namespace PrunedLrp.Tests.Imaging;

public class HeatmapTests
{
    [Fact]
    public void Index_SymmetricScale()
    {
        Assert.Equal(127, Heatmap.Index(0f, 2f));   // 255 * 0.5 = 127.5 -> 127
        Assert.Equal(255, Heatmap.Index(2f, 2f));
        Assert.Equal(0, Heatmap.Index(-2f, 2f));
        Assert.Equal(191, Heatmap.Index(1f, 2f));   // 255 * 0.75 = 191.25
        Assert.Equal(255, Heatmap.Index(5f, 2f));   // saturates
        Assert.Equal(0, Heatmap.Index(-5f, 2f));
        Assert.Equal(127, Heatmap.Index(3f, 0f));   // all-zero map: centre
    }

    [Fact]
    public void Render_PixelsComeFromPalette()
    {
        // [2, 3]; max |R| = 4
        float[] r = [0, 4, -4, 2, -1, 0.5f];
        var img = Heatmap.Render(r, 2, 3, ColorMap.Bwr);
        var p = ColorMap.Bwr.Palette();
        Assert.Equal((3, 2), (img.Width, img.Height));
        Assert.Equal(p[127], img[0, 0]);
        Assert.Equal(new Rgb(255, 0, 0), img[1, 0]);
        Assert.Equal(new Rgb(0, 0, 255), img[2, 0]);
        Assert.Equal(p[191], img[0, 1]);            // (2 + 4) / 8 * 255 = 191.25
        Assert.Equal(p[95], img[1, 1]);             // 3 / 8 * 255 = 95.6
        Assert.Equal(p[143], img[2, 1]);            // 4.5 / 8 * 255 = 143.4
    }

    [Fact]
    public void RenderSummed_SumsChannelsFirst()
    {
        // [2, 1, 2]: sums are (3, -1); max |sum| = 3
        var img = Heatmap.RenderSummed([1f, -2f, 2f, 1f], 2, 1, 2, ColorMap.Bwr);
        var p = ColorMap.Bwr.Palette();
        Assert.Equal(new Rgb(255, 0, 0), img[0, 0]);
        Assert.Equal(p[85], img[1, 0]); // (-1 + 3) / 6 * 255 = 85.0
    }

    [Fact]
    public void Render_UpscaleAndPng_RoundTrip()
    {
        var rng = new Random(5);
        var r = Enumerable.Range(0, 7 * 5).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var img = Heatmap.Render(r, 7, 5, ColorMap.ColdNHot);
        var big = img.Upscale(3);
        Assert.Equal((15, 21), (big.Width, big.Height));
        for (int y = 0; y < big.Height; y++)
            for (int x = 0; x < big.Width; x++)
                Assert.Equal(img[x / 3, y / 3], big[x, y]);
        var decoded = PngTestDecoder.Decode(big.EncodePng());
        Assert.Equal(big.Pixels, decoded.Pixels);
    }

    [Fact]
    public void PercentileAbs_LinearInterpolation()
    {
        float[] r = [-4, 1, 3, -2]; // |R| sorted: 1 2 3 4
        Assert.Equal(4f, Heatmap.PercentileAbs(r, 100));
        Assert.Equal(1f, Heatmap.PercentileAbs(r, 0));
        Assert.Equal(2.5f, Heatmap.PercentileAbs(r, 50));   // q = 1.5
        Assert.Equal(3.7f, Heatmap.PercentileAbs(r, 90), 5); // q = 2.7
        Assert.Equal(0f, Heatmap.PercentileAbs([], 50));
    }

    [Fact]
    public void InputImage_GrayAndRgb()
    {
        var gray = InputImage.Render([0f, 1f, 2f, 4f], 1, 2, 2);
        Assert.Equal(new Rgb(0, 0, 0), gray[0, 0]);
        Assert.Equal(new Rgb(63, 63, 63), gray[1, 0]);    // 255 / 4 = 63.75
        Assert.Equal(new Rgb(255, 255, 255), gray[1, 1]);
        // [3, 1, 2]: R plane (0, 1), G plane (1, 0), B plane (0.5, 0.5)
        var rgb = InputImage.Render([0f, 1f, 1f, 0f, 0.5f, 0.5f], 3, 1, 2);
        Assert.Equal(new Rgb(0, 255, 127), rgb[0, 0]);
        Assert.Equal(new Rgb(255, 0, 127), rgb[1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => InputImage.Render(new float[8], 2, 2, 2));
    }

    [Fact]
    public void Figure_SideBySide_PlacesPanelsWithGap()
    {
        var a = new RgbImage(2, 3, new Rgb(1, 1, 1));
        var b = new RgbImage(4, 1, new Rgb(2, 2, 2));
        var fig = Figure.SideBySide([a, b], gap: 1);
        Assert.Equal((7, 3), (fig.Width, fig.Height));
        Assert.Equal(new Rgb(1, 1, 1), fig[1, 2]);
        Assert.Equal(Rgb.White, fig[2, 0]);          // gap
        Assert.Equal(new Rgb(2, 2, 2), fig[3, 0]);
        Assert.Equal(new Rgb(2, 2, 2), fig[6, 0]);
        Assert.Equal(Rgb.White, fig[3, 1]);          // below the shorter panel
        var col = Figure.Stacked([a, b], gap: 2);
        Assert.Equal((4, 6), (col.Width, col.Height));
        Assert.Equal(new Rgb(2, 2, 2), col[3, 5]);
        Assert.Equal(Rgb.White, col[0, 4]);
    }

    [Fact]
    public void RelevanceTrack_BarsAndBand()
    {
        // height 11: zero line row 5, 5 rows of room each side
        float[] r = [1f, -0.6f, 0f, 0.2f];
        var img = RelevanceTrack.Render(r, 11, barWidth: 2, marked: [new MarkedInterval(2, 4)]);
        Assert.Equal((8, 11), (img.Width, img.Height));
        // position 0: full positive bar, rows 0..4
        for (int y = 0; y < 5; y++) Assert.Equal(RelevanceTrack.Positive, img[1, y]);
        Assert.Equal(RelevanceTrack.Axis, img[0, 5]);
        Assert.Equal(Rgb.White, img[0, 6]);
        // position 1: round(0.6 * 5) = 3 rows below the line: 6..8
        for (int y = 6; y <= 8; y++) Assert.Equal(RelevanceTrack.Negative, img[2, y]);
        Assert.Equal(Rgb.White, img[2, 9]);
        Assert.Equal(Rgb.White, img[3, 4]);
        // position 2: zero, inside the band
        Assert.Equal(RelevanceTrack.Band, img[4, 0]);
        Assert.Equal(RelevanceTrack.Band, img[5, 10]);
        // position 3: round(0.2 * 5) = 1 row (row 4), band above it
        Assert.Equal(RelevanceTrack.Positive, img[6, 4]);
        Assert.Equal(RelevanceTrack.Band, img[6, 3]);
    }
}
