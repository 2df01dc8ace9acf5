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
}
