using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

public class ModelFileChecksumTests
{
    [Fact]
    public void Crc32_CheckValue() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void Crc32_MatchesBitwiseDefinition_ForLengths0To257()
    {
        foreach (var (data, _) in RandomData(5, 257, 1))
            Assert.Equal(ModelFileCrafting.Crc(data), Crc32.Compute(data));
    }

    [Fact]
    public void Crc32_OfTwoParts_EqualsCrcOfTheirConcatenation()
    {
        // The PNG encoder checksums a chunk's type and data as two spans.
        foreach (var (data, split) in RandomData(6, 300, 7))
            Assert.Equal(ModelFileCrafting.Crc(data), Crc32.Compute(data.AsSpan(0, split), data.AsSpan(split)));
    }

    [Fact]
    public void Crc32_Combine_EqualsCrcOfTheConcatenation()
    {
        // Parts of a file are checksummed on two threads and combined: every split of lengths 0..257, and large parts.
        foreach (var (data, split) in RandomData(7, 257, 1))
            Assert.Equal(ModelFileCrafting.Crc(data), Crc32.Combine(Crc32.Compute(data.AsSpan(0, split)), Crc32.Compute(data.AsSpan(split)), data.Length - split));
        var rng = new Random(8);
        var large = new byte[3_000_017];
        rng.NextBytes(large);
        foreach (int split in new[] { 0, 1, 1_000_000, 2_999_999, 3_000_017 })
            Assert.Equal(Crc32.Compute(large), Crc32.Combine(Crc32.Compute(large.AsSpan(0, split)), Crc32.Compute(large.AsSpan(split)), large.Length - split));
        Assert.Throws<ArgumentOutOfRangeException>(() => Crc32.Combine(0, 0, -1));
    }

    // Seeded random byte arrays of lengths 0, step, 2 step, ... up to maxLength, each with a random split point.
    static IEnumerable<(byte[] Data, int Split)> RandomData(int seed, int maxLength, int step)
    {
        var rng = new Random(seed);
        for (int length = 0; length <= maxLength; length += step)
        {
            var data = new byte[length];
            rng.NextBytes(data);
            yield return (data, rng.Next(length + 1));
        }
    }
}
