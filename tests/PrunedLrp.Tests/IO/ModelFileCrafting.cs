using System.Buffers.Binary;
using PrunedLrp.Graph;
using PrunedLrp.IO;

namespace PrunedLrp.Tests.IO;

/// <summary>A tiny model with known byte offsets, and helpers to patch a field and re-seal the checksum, so tests can
/// hand-craft hostile headers that pass the CRC and reach the field checks.</summary>
internal static class ModelFileCrafting
{
    // Offsets in the file of SmallDense() (see docs/model-format.md): header 48, input shape 48..56,
    // node 0 at 56..104 (48-byte minimal record), node 1 at 104.
    public const int InputRank = 48;
    public const int Node0 = 56;
    public const int Node1 = 104;
    public const int Node1NameLength = Node1 + 4;
    public const int Node1InputCount = Node1 + 8;
    public const int Node1InputId = Node1 + 12;
    public const int Node1SpatialRank = Node1 + 16;
    public const int Node1Groups = Node1 + 20;
    public const int Node1Flags = Node1 + 24;
    public const int Node1WeightRank = Node1 + 28;
    public const int Node1WeightOffset = Node1 + 40;
    public const int Node1BiasLength = Node1 + 48;

    public static ModelSpec SmallDense() => new()
    {
        InputShape = [4],
        Nodes =
        [
            new NodeSpec { Kind = OpKind.Input },
            new NodeSpec { Kind = OpKind.Dense, Inputs = [0], WeightShape = [2, 4], Weight = new float[] { 1.5f, 2, 3, 4, 5, 6, 7, 8 }, Bias = new float[] { 0.5f, -0.5f } },
        ],
    };

    public static uint Crc(ReadOnlySpan<byte> data)
    {
        // Bitwise CRC-32 (the definition), independent of the table-driven implementation under test.
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    public static byte[] Reseal(byte[] file)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), Crc(file.AsSpan(0, file.Length - 4)));
        return file;
    }

    public static byte[] PatchU32(int offset, uint value)
    {
        byte[] f = ModelFile.ToBytes(SmallDense());
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(offset), value);
        return Reseal(f);
    }

    public static byte[] PatchU64(int offset, ulong value)
    {
        byte[] f = ModelFile.ToBytes(SmallDense());
        BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(offset), value);
        return Reseal(f);
    }
}
