using System.Buffers.Binary;
using System.IO.Compression;

namespace PrunedLrp.IO;

/// <summary>
/// Writes 8-bit truecolour PNG images (RGB or RGBA, non-interlaced) in pure managed code: the rows, each prefixed with
/// filter type 0 (None), are zlib-compressed with <see cref="ZLibStream"/> into one IDAT chunk; every chunk carries
/// its CRC-32.
/// </summary>
public static class PngEncoder
{
    static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes <paramref name="pixels"/> (row-major, <paramref name="channels"/> bytes per pixel: 3 = RGB,
    /// 4 = RGBA) of a <paramref name="width"/> x <paramref name="height"/> image as a PNG file image.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels /* [height, width, channels] */, int width, int height, int channels)
    {
        using var ms = new MemoryStream();
        Write(ms, pixels, width, height, channels);
        return ms.ToArray();
    }

    /// <summary>Writes the PNG to <paramref name="path"/>.</summary>
    public static void Save(string path, ReadOnlySpan<byte> pixels /* [height, width, channels] */, int width, int height, int channels)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(fs, pixels, width, height, channels);
    }

    /// <summary>Writes the PNG to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> pixels /* [height, width, channels] */, int width, int height, int channels)
    {
        // PNG forbids zero-sized images; dimensions are 31-bit
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (3 or 4))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG encoder writes RGB (3) or RGBA (4)");
        long rowBytes = (long)width * channels;
        if (pixels.Length != rowBytes * height)
            throw new ArgumentException($"pixels has {pixels.Length} bytes, want {width} x {height} x {channels}", nameof(pixels));

        stream.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                             // bit depth
        ihdr[9] = channels == 3 ? (byte)2 : (byte)6; // colour type: truecolour / truecolour with alpha
        ihdr[10] = 0;                            // compression: deflate
        ihdr[11] = 0;                            // filter method 0
        ihdr[12] = 0;                            // no interlace
        WriteChunk(stream, "IHDR"u8, ihdr);

        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            ReadOnlySpan<byte> none = [0];
            for (int y = 0; y < height; y++)
            {
                z.Write(none);
                z.Write(pixels.Slice((int)(y * rowBytes), (int)rowBytes));
            }
        }
        WriteChunk(stream, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        WriteChunk(stream, "IEND"u8, []);
    }

    static void WriteChunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        stream.Write(type);
        stream.Write(data);
        // the CRC covers the chunk type and data, not the length
        uint crc = Crc32.Compute(type, data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }
}
