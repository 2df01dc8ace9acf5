using System.Buffers.Binary;
using System.IO.Compression;
using Xunit;

namespace PrunedLrp.Tests.IO;

/// <summary>A minimal PNG reader for the tests, independent of the encoder: bitwise CRC-32, 8-bit RGB/RGBA, filter 0 only.</summary>
internal static class PngTestDecoder
{
    public sealed record Decoded(int Width, int Height, int Channels, byte[] Pixels, List<string> ChunkTypes);

    public static Decoded Decode(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8, width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            Assert.Equal(BitwiseCrc(png.AsSpan(pos + 4, 4 + len)), crc);
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException("colour type") };
                Assert.Equal(0, data[10]);
                Assert.Equal(0, data[11]);
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            pos += 12 + len;
        }
        Assert.Equal(png.Length, pos);
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        int row = width * channels;
        Assert.Equal((row + 1) * height, bytes.Length);
        var pixels = new byte[row * height];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, bytes[y * (row + 1)]); // filter type None
            Array.Copy(bytes, y * (row + 1) + 1, pixels, y * row, row);
        }
        return new Decoded(width, height, channels, pixels, types);
    }

    static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
                c = (c >> 1) ^ (0xEDB88320u & (uint)-(int)(c & 1));
        }
        return ~c;
    }
}
