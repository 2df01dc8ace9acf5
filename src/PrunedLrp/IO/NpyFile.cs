using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace PrunedLrp.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0).
/// </summary>
/// <remarks>
/// <para>Reading accepts the numeric dtypes f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1 in either byte order and
/// converts them to float32 (doubles and 64-bit integers are rounded to the nearest float). Arrays stored with
/// <c>fortran_order: True</c> are transposed to C order on load, so <see cref="NpyArray.Data"/> is always row-major for
/// the <see cref="NpyArray.Shape"/> written in the header.</para>
/// <para>The file is untrusted: the header length, the dict syntax (parsed strictly, never evaluated), the dtype and the
/// shape are validated, and the data length must equal the file length exactly, before the array is allocated. Every
/// problem is an <see cref="InvalidDataException"/> naming the file, the field and the problem.</para>
/// <para>Writing produces float32, little-endian, C-order, version 1.0, with the header laid out byte for byte as
/// numpy 1.24 writes it (spare room for the first axis to grow, padded with spaces to a multiple of 64 bytes).</para>
/// </remarks>
public static class NpyFile
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Largest header accepted on read; numpy itself refuses headers above 10 000 bytes by default.</summary>
    const int MaxHeaderLength = 1 << 20;

    /// <summary>numpy leaves room after the header for the growth axis to reach this many digits.</summary>
    const int GrowthAxisMaxDigits = 21;

    /// <summary>Reads the <c>.npy</c> file at <paramref name="path"/>, streaming the data (the file is not loaded twice).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid or supported .npy file.</exception>
    public static NpyArray Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        long fileLength = stream.Length;
        Span<byte> preamble = stackalloc byte[12];
        int got = stream.ReadAtLeast(preamble, preamble.Length, throwOnEndOfStream: false);
        var (headerOffset, headerLength) = ParsePreamble(preamble[..got], fileLength, path);
        var headerBytes = new byte[headerLength];
        stream.Position = headerOffset;
        stream.ReadExactly(headerBytes);
        var layout = ParseLayout(preamble[6], headerBytes, headerOffset + headerLength, fileLength, path);

        var data = new float[layout.Count];
        if (layout.DType.IsNativeFloat32)
        {
            // the common case: the file bytes are the array bytes (sliced: a span's byte view must stay below 2 GiB)
            for (int done = 0; done < data.Length; done += 1 << 28)
                stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan(done, Math.Min(1 << 28, data.Length - done))));
            return Finish(layout, data);
        }
        // convert in chunks that hold whole elements so a big file never needs a second full-size buffer
        int chunkElements = Math.Max(1, (1 << 16) / layout.DType.Size);
        var buffer = new byte[chunkElements * layout.DType.Size];
        for (int done = 0; done < data.Length;)
        {
            int n = Math.Min(chunkElements, data.Length - done);
            var bytes = buffer.AsSpan(0, n * layout.DType.Size);
            stream.ReadExactly(bytes);
            layout.DType.Convert(bytes, data.AsSpan(done, n));
            done += n;
        }
        return Finish(layout, data);
    }

    /// <summary>Reads a <c>.npy</c> image held in memory; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid or supported .npy file.</exception>
    public static NpyArray Read(ReadOnlySpan<byte> bytes, string source)
    {
        var (headerOffset, headerLength) = ParsePreamble(bytes[..Math.Min(12, bytes.Length)], bytes.Length, source);
        int dataOffset = headerOffset + headerLength;
        var layout = ParseLayout(bytes[6], bytes[headerOffset..dataOffset], dataOffset, bytes.Length, source);
        var data = new float[layout.Count];
        layout.DType.Convert(bytes[dataOffset..], data);
        return Finish(layout, data);
    }

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> as a float32 C-order version 1.0 file.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(stream, data, shape);
    }

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> to <paramref name="stream"/> as a float32
    /// C-order version 1.0 file (version 2.0 if the header would exceed 65535 bytes).</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        NpyArray.CheckShape(shape, data.Length, nameof(data));
        stream.Write(BuildHeader(shape));
        if (BitConverter.IsLittleEndian)
        {
            for (int done = 0; done < data.Length; done += 1 << 28)
                stream.Write(MemoryMarshal.AsBytes(data.Slice(done, Math.Min(1 << 28, data.Length - done))));
        }
        else
        {
            Span<byte> e = stackalloc byte[4];
            foreach (float v in data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(e, v);
                stream.Write(e);
            }
        }
    }

    /// <summary>The complete preamble + header, exactly as numpy 1.24 <c>np.save</c> writes it for a float32 array.</summary>
    internal static byte[] BuildHeader(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        if (shape.Length == 1) sb.Append(',');
        sb.Append("), }");
        if (shape.Length > 0)
            sb.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        int textLength = sb.Length + 1; // + '\n'
        int preambleLength = textLength + 10 > ushort.MaxValue ? 12 : 10;
        int pad = 64 - (preambleLength + textLength) % 64;
        if (pad == 64) pad = 0;
        sb.Append(' ', pad).Append('\n');

        var bytes = new byte[preambleLength + sb.Length];
        Magic.CopyTo(bytes);
        bytes[6] = preambleLength == 10 ? (byte)1 : (byte)2;
        bytes[7] = 0;
        if (preambleLength == 10)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)sb.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)sb.Length);
        Encoding.Latin1.GetBytes(sb.ToString(), bytes.AsSpan(preambleLength));
        return bytes;
    }

    /// <summary>Validates magic, version and header length; returns where the header text starts and its length.</summary>
    static (int HeaderOffset, int HeaderLength) ParsePreamble(ReadOnlySpan<byte> preamble, long fileLength, string source)
    {
        if (preamble.Length < 10)
            throw new InvalidDataException($"{source}: npy file is {fileLength} bytes, shorter than the 10-byte preamble");
        if (!preamble[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: npy magic is wrong (not a .npy file)");
        byte major = preamble[6], minor = preamble[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new InvalidDataException($"{source}: npy format version {major}.{minor} is not supported (want 1.0, 2.0 or 3.0)");
        long headerLength;
        int headerOffset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
            headerOffset = 10;
        }
        else
        {
            if (preamble.Length < 12)
                throw new InvalidDataException($"{source}: npy file is {fileLength} bytes, shorter than the 12-byte version {major}.0 preamble");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
            headerOffset = 12;
        }
        if (headerLength > MaxHeaderLength)
            throw new InvalidDataException($"{source}: npy header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
        if (headerOffset + headerLength > fileLength)
            throw new InvalidDataException($"{source}: npy header length {headerLength} runs past the end of the {fileLength}-byte file");
        return (headerOffset, (int)headerLength);
    }

    readonly record struct Layout(NpyDType DType, bool FortranOrder, int[] Shape, int Count);

    /// <summary>Parses the header text and checks that the data fills the rest of the file exactly.</summary>
    static Layout ParseLayout(byte major, ReadOnlySpan<byte> headerBytes, long dataOffset, long fileLength, string source)
    {
        string text;
        try
        {
            // 1.0 and 2.0 headers are latin1; 3.0 allows utf8
            text = major == 3
                ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes)
                : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{source}: npy header is not valid UTF-8", e);
        }
        if (!text.EndsWith('\n'))
            throw new InvalidDataException($"{source}: npy header does not end with a newline (truncated or corrupt header)");
        var header = NpyHeader.Parse(text, source);
        var dtype = NpyDType.Parse(header.Descr, source);

        long count = 1;
        foreach (int d in header.Shape)
        {
            count *= d; // each d <= int.MaxValue and count <= Array.MaxLength before this step, so no overflow
            if (count > Array.MaxLength)
                throw new InvalidDataException(
                    $"{source}: npy header field 'shape' ({string.Join(", ", header.Shape)}) has more elements than an array can hold");
        }
        long want = count * dtype.Size;
        long have = fileLength - dataOffset;
        if (have != want)
            throw new InvalidDataException(
                $"{source}: npy data is {have} bytes but header field 'shape' ({string.Join(", ", header.Shape)}) " +
                $"with descr '{header.Descr}' needs {want} bytes" + (have < want ? " (file truncated)" : " (trailing bytes)"));
        return new Layout(dtype, header.FortranOrder, header.Shape, (int)count);
    }

    static NpyArray Finish(Layout layout, float[] data)
    {
        if (layout.FortranOrder && layout.Shape.Length > 1)
            data = FortranToC(data, layout.Shape);
        return new NpyArray(layout.Shape, data);
    }

    /// <summary>Reorders a column-major array to row-major for the same shape.</summary>
    static float[] FortranToC(float[] src, int[] shape)
    {
        var dst = new float[src.Length];
        int rank = shape.Length;
        Span<int> index = stackalloc int[rank];
        // walk the C-order destination and keep the Fortran offset (first axis fastest) in step
        Span<long> fStride = stackalloc long[rank];
        long s = 1;
        for (int k = 0; k < rank; k++) { fStride[k] = s; s *= shape[k]; }
        long f = 0;
        for (int c = 0; c < dst.Length; c++)
        {
            dst[c] = src[f];
            for (int k = rank - 1; k >= 0; k--)
            {
                index[k]++;
                f += fStride[k];
                if (index[k] < shape[k]) break;
                f -= fStride[k] * shape[k];
                index[k] = 0;
            }
        }
        return dst;
    }
}
