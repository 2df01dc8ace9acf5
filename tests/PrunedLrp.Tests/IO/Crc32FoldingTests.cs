using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

/// <summary>
/// The folded CRC-32 register (<see cref="Crc32Folding"/>) against the bitwise definition: every length from 0 to 1100
/// (the byte-wise path below 256 bytes, the 128-byte steps, the 16-byte steps and every tail of fewer than 16), every
/// start offset within a vector, registers other than the initial one, and large buffers against System.IO.Hashing.
/// </summary>
public class Crc32FoldingTests
{
    // The register after data from `register`, bit by bit: the definition, independent of both paths under test.
    static uint Bitwise(uint register, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            register ^= b;
            for (int k = 0; k < 8; k++)
                register = (register & 1) != 0 ? (register >> 1) ^ 0xEDB88320 : register >> 1;
        }
        return register;
    }

    [Fact]
    public void PowerModP_ReducesByThePolynomial()
    {
        Assert.Equal(0x80000000u, Crc32Folding.PowerModP(31));
        Assert.Equal(0x04C11DB7u, Crc32Folding.PowerModP(32)); // x^32 = P - x^32
        Assert.Equal(0x09823B6Eu, Crc32Folding.PowerModP(33)); // x times the above: no overflow past x^31
        // By long division in Python (a ^= P << (degree - 32) until the degree is below 32):
        Assert.Equal(0x490D678Du, Crc32Folding.PowerModP(64));
        Assert.Equal(0x085EA6BEu, Crc32Folding.PowerModP(1087)); // x^(1024 + 63): the four chains' first constant
    }

    [Fact]
    public void Append_MatchesTheBitwiseDefinition_ForLengths0To1100()
    {
        var rng = new Random(41);
        var buffer = new byte[1100 + 32];
        rng.NextBytes(buffer);
        for (int length = 0; length <= 1100; length++)
        {
            int offset = length % 32; // every start within a 256-bit vector
            uint register = length % 3 == 0 ? ~0u : (uint)rng.Next() * 2654435761u;
            var data = buffer.AsSpan(offset, length);
            uint expected = Bitwise(register, data);
            Assert.True(expected == Crc32Folding.Append(register, data), $"length {length} at offset {offset}: folded register differs");
            Assert.True(expected == Crc32Folding.Bytewise(register, data), $"length {length} at offset {offset}: byte-wise register differs");
        }
    }

    [Fact]
    public void Append_OnLargeBuffers_MatchesSystemIoHashing()
    {
        var rng = new Random(42);
        var large = new byte[(1 << 20) + 77];
        rng.NextBytes(large);
        foreach (int length in new[] { 4096, 65_536 + 5, 1 << 20, (1 << 20) + 77 })
        {
            var data = large.AsSpan(large.Length - length);
            Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(data), ~Crc32Folding.Append(~0u, data));
            Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(data), Crc32.Compute(data));
        }
    }

    [Fact]
    public void Crc32Append_ChunkByChunk_EqualsTheWholeCrc()
    {
        // As the model file loader checksums: chunk after chunk, the running CRC starting at 0.
        var rng = new Random(43);
        var data = new byte[300_001];
        rng.NextBytes(data);
        foreach (int chunk in new[] { 1, 255, 256, 4096, 65_536, 300_001 })
        {
            uint crc = 0;
            for (int at = 0; at < data.Length; at += chunk)
                crc = Crc32.Append(crc, data.AsSpan(at, Math.Min(chunk, data.Length - at)));
            Assert.True(ModelFileCrafting.Crc(data) == crc, $"chunks of {chunk}: CRC differs");
        }
    }
}
