using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

public class PngEncoderTests
{
    [Theory]
    [InlineData(1, 1, 3)]
    [InlineData(5, 3, 3)]
    [InlineData(17, 9, 4)]
    [InlineData(300, 2, 3)]
    public void Encode_DecodesToSamePixels(int width, int height, int channels)
    {
        var rng = new Random(width * 31 + height);
        var pixels = new byte[width * height * channels];
        rng.NextBytes(pixels);
        var png = PngEncoder.Encode(pixels, width, height, channels);
        var d = PngTestDecoder.Decode(png);
        Assert.Equal((width, height, channels), (d.Width, d.Height, d.Channels));
        Assert.Equal(pixels, d.Pixels);
        Assert.Equal(["IHDR", "IDAT", "IEND"], d.ChunkTypes);
    }

    [Fact]
    public void Crc32_KnownCheckValue()
    {
        // the standard CRC-32 check value of "123456789"
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        // the IEND chunk's CRC (type only) is the well-known AE 42 60 82
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
    }

    [Fact]
    public void Encode_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(new byte[3], 1, 1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode([], 0, 1, 3));
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[5], 1, 2, 3));
    }

    [Fact]
    public void Save_WritesFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"png-{Guid.NewGuid():N}.png");
        try
        {
            byte[] px = [1, 2, 3, 4, 5, 6];
            PngEncoder.Save(path, px, 2, 1, 3);
            Assert.Equal(px, PngTestDecoder.Decode(File.ReadAllBytes(path)).Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
