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
        var rng = new Random(5);
        for (int length = 0; length <= 257; length++)
        {
            var data = new byte[length];
            rng.NextBytes(data);
            Assert.Equal(ModelFileCrafting.Crc(data), Crc32.Compute(data));
        }
    }

    [Fact]
    public void Crc32_OfTwoParts_EqualsCrcOfTheirConcatenation()
    {
        // The PNG encoder checksums a chunk's type and data as two spans.
        var rng = new Random(6);
        for (int length = 0; length <= 300; length += 7)
        {
            var data = new byte[length];
            rng.NextBytes(data);
            int split = rng.Next(length + 1);
            Assert.Equal(ModelFileCrafting.Crc(data), Crc32.Compute(data.AsSpan(0, split), data.AsSpan(split)));
        }
    }
}
