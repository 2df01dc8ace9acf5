using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PrunedLrp.IO;

/// <summary>
/// A NumPy scalar type string (<c>descr</c>) such as <c>&lt;f4</c>: byte order, kind and size; and the conversion of
/// its raw bytes to float32 (integers and doubles are rounded to the nearest float).
/// </summary>
internal readonly record struct NpyDType(char Kind, int Size, bool BigEndian)
{
    /// <summary>Parses the numeric types the reader supports: f2/f4/f8, i1/i2/i4/i8, u1/u2/u4/u8 and b1, with byte
    /// order '&lt;', '&gt;', '=' (native) or '|' (not applicable, 1-byte types only).</summary>
    public static NpyDType Parse(string descr, string source)
    {
        if (descr.Length < 3)
            Fail(descr, source);
        char order = descr[0];
        char kind = descr[1];
        if (!int.TryParse(descr.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size))
            Fail(descr, source);
        bool ok = kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'b' => size == 1,
            _ => false,
        };
        if (!ok)
            Fail(descr, source);
        bool big = order switch
        {
            '<' => false,
            '>' => true,
            '=' => !BitConverter.IsLittleEndian,
            '|' when size == 1 => false,
            _ => Fail(descr, source),
        };
        return new NpyDType(kind, size, big && size > 1);
    }

    static bool Fail(string descr, string source) =>
        throw new InvalidDataException(
            $"{source}: npy header field 'descr' is '{descr}', which is not a supported type " +
            "(want a byte order <, >, = or | and one of f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1)");

    /// <summary>Whether the raw bytes already are float32 in this machine's byte order.</summary>
    public bool IsNativeFloat32 => Kind == 'f' && Size == 4 && BigEndian == !BitConverter.IsLittleEndian;

    /// <summary>Converts <c>dst.Length</c> elements from <paramref name="src"/> (exactly <c>dst.Length * Size</c>
    /// bytes) to float32.</summary>
    public void Convert(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (src.Length != dst.Length * Size)
            throw new ArgumentException("source length does not match the element count", nameof(src));
        if (IsNativeFloat32)
        {
            MemoryMarshal.Cast<byte, float>(src).CopyTo(dst);
            return;
        }
        for (int i = 0; i < dst.Length; i++)
        {
            var e = src.Slice(i * Size, Size);
            dst[i] = (Kind, Size) switch
            {
                ('f', 2) => (float)(BigEndian ? BinaryPrimitives.ReadHalfBigEndian(e) : BinaryPrimitives.ReadHalfLittleEndian(e)),
                ('f', 4) => BigEndian ? BinaryPrimitives.ReadSingleBigEndian(e) : BinaryPrimitives.ReadSingleLittleEndian(e),
                ('f', 8) => (float)(BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(e) : BinaryPrimitives.ReadDoubleLittleEndian(e)),
                ('i', 1) => (sbyte)e[0],
                ('i', 2) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(e) : BinaryPrimitives.ReadInt16LittleEndian(e),
                ('i', 4) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(e) : BinaryPrimitives.ReadInt32LittleEndian(e),
                ('i', 8) => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(e) : BinaryPrimitives.ReadInt64LittleEndian(e),
                ('u', 1) => e[0],
                ('u', 2) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(e) : BinaryPrimitives.ReadUInt16LittleEndian(e),
                ('u', 4) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(e) : BinaryPrimitives.ReadUInt32LittleEndian(e),
                ('u', 8) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(e) : BinaryPrimitives.ReadUInt64LittleEndian(e),
                // numpy stores bools as 0/1 bytes; treat any non-zero byte as true
                _ => e[0] != 0 ? 1f : 0f,
            };
        }
    }
}
