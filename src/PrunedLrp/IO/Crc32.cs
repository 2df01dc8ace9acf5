using System.Buffers.Binary;

namespace PrunedLrp.IO;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF), as used by zip, PNG
/// and the model file. Check value: CRC-32 of the ASCII bytes "123456789" is 0xCBF43926.
/// Slicing-by-8: eight 256-entry tables let the loop consume 8 bytes per step; a hand-written table keeps the library
/// free of a hashing package.
/// </summary>
internal static class Crc32
{
    const uint Polynomial = 0xEDB88320u;

    // Tables[k][b] = CRC of byte b followed by k zero bytes; Tables[0] is the classic byte table.
    static readonly uint[][] Tables = BuildTables();

    /// <summary>CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    /// <summary>Feeds <paramref name="data"/> into a running register (start with 0xFFFFFFFF, finish with ~), so PNG
    /// can checksum a chunk's type and data without concatenating them.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t0 = Tables[0], t1 = Tables[1], t2 = Tables[2], t3 = Tables[3];
        uint[] t4 = Tables[4], t5 = Tables[5], t6 = Tables[6], t7 = Tables[7];
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t7[lo & 0xFF] ^ t6[(lo >> 8) & 0xFF] ^ t5[(lo >> 16) & 0xFF] ^ t4[lo >> 24]
                ^ t3[hi & 0xFF] ^ t2[(hi >> 8) & 0xFF] ^ t1[(hi >> 16) & 0xFF] ^ t0[hi >> 24];
            data = data[8..];
        }
        foreach (byte b in data)
            crc = t0[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        for (int k = 0; k < 8; k++)
            tables[k] = new uint[256];
        for (uint b = 0; b < 256; b++)
        {
            uint c = b;
            for (int bit = 0; bit < 8; bit++)
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            tables[0][b] = c;
        }
        for (int b = 0; b < 256; b++)
        {
            for (int k = 1; k < 8; k++)
                tables[k][b] = (tables[k - 1][b] >> 8) ^ tables[0][tables[k - 1][b] & 0xFF];
        }
        return tables;
    }
}
