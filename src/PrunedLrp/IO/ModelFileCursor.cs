using System.Buffers.Binary;
using System.Text;

namespace PrunedLrp.IO;

/// <summary>
/// A bounds-checked little-endian reader over one section of a model file. Every read names the field it reads, so a
/// truncated or inconsistent record is reported as "file: field: problem" instead of an out-of-range exception.
/// </summary>
internal ref struct ModelFileCursor
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly ReadOnlySpan<byte> _data;
    readonly int _end;
    readonly string _source;
    int _position;

    /// <summary>A cursor over <paramref name="data"/>[<paramref name="start"/>, <paramref name="end"/>).</summary>
    public ModelFileCursor(ReadOnlySpan<byte> data, int start, int end, string source)
    {
        _data = data;
        _position = start;
        _end = end;
        _source = source;
    }

    /// <summary>Offset of the next byte to read, from the start of the file.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left in the section.</summary>
    public readonly int Remaining => _end - _position;

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));

    /// <summary>Reads a u32 count and checks it against <paramref name="max"/> and against the bytes left, given that
    /// each counted item takes at least <paramref name="minItemBytes"/> bytes (so no huge array is allocated for a
    /// count the file cannot hold).</summary>
    public int ReadCount(string field, int max, int minItemBytes)
    {
        uint count = ReadUInt32(field);
        if (count > (uint)max)
            throw Fail(field, $"count {count} exceeds the limit of {max}");
        if ((long)count * minItemBytes > Remaining)
            throw Fail(field, $"count {count} needs at least {(long)count * minItemBytes} bytes, only {Remaining} remain before offset {_end}");
        return (int)count;
    }

    /// <summary>Reads <paramref name="count"/> int32 values (count already validated against the bytes left).</summary>
    public int[] ReadInt32Array(int count, string field)
    {
        if (count == 0)
            return [];
        var span = Take(checked(count * 4), field);
        var values = new int[count];
        for (int i = 0; i < count; i++)
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(i * 4)..]);
        return values;
    }

    /// <summary>Reads a u32 byte length (at most <paramref name="maxBytes"/>) and that many bytes of strict UTF-8.</summary>
    public string ReadString(string field, int maxBytes)
    {
        int length = ReadCount(field + " length", maxBytes, 1);
        var bytes = Take(length, field);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(field, "is not valid UTF-8");
        }
    }

    /// <summary>An exception naming the file, the field and the problem, at the current position.</summary>
    public readonly InvalidDataException Fail(string field, string problem) =>
        new($"{_source}: {field}: {problem} (at byte {_position})");

    ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
            throw Fail(field, $"truncated: needs {count} bytes, only {Remaining} remain before offset {_end}");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
