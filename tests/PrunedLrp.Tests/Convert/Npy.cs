using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace PrunedLrp.Tests.Convert;

/// <summary>Minimal reader for the fixtures' little-endian float32 C-order .npy files.</summary>
internal static partial class Npy
{
    public static (float[] Data, int[] Shape) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: not a C-order float32 array: {header}");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        var body = bytes.AsSpan(10 + headerLength);
        for (int i = 0; i < data.Length; i++)
            data[i] = BinaryPrimitives.ReadSingleLittleEndian(body[(i * 4)..]);
        return (data, shape);
    }

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
