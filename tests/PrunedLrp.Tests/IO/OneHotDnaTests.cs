using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

public class OneHotDnaTests
{
    static float[] Column(string s, int p)
    {
        var dst = new float[4 * s.Length];
        OneHotDna.Encode(s, dst);
        return [dst[p], dst[s.Length + p], dst[2 * s.Length + p], dst[3 * s.Length + p]];
    }

    [Fact]
    public void Bases_AreOneHot_InOrderACGT()
    {
        var dst = new float[12];
        OneHotDna.Encode("GAT", dst);
        // rows A, C, G, T over positions G A T
        Assert.Equal([0f, 1, 0, /*C*/ 0, 0, 0, /*G*/ 1, 0, 0, /*T*/ 0, 0, 1], dst);
    }

    [Theory]
    [InlineData('N', 0.25f, 0.25f, 0.25f, 0.25f)]
    [InlineData('R', 0.5f, 0f, 0.5f, 0f)]
    [InlineData('Y', 0f, 0.5f, 0f, 0.5f)]
    [InlineData('S', 0f, 0.5f, 0.5f, 0f)]
    [InlineData('W', 0.5f, 0f, 0f, 0.5f)]
    [InlineData('K', 0f, 0f, 0.5f, 0.5f)]
    [InlineData('M', 0.5f, 0.5f, 0f, 0f)]
    [InlineData('B', 0f, 1f / 3, 1f / 3, 1f / 3)]
    [InlineData('D', 1f / 3, 0f, 1f / 3, 1f / 3)]
    [InlineData('H', 1f / 3, 1f / 3, 0f, 1f / 3)]
    [InlineData('V', 1f / 3, 1f / 3, 1f / 3, 0f)]
    [InlineData('A', 1f, 0f, 0f, 0f)]
    [InlineData('C', 0f, 1f, 0f, 0f)]
    [InlineData('G', 0f, 0f, 1f, 0f)]
    [InlineData('T', 0f, 0f, 0f, 1f)]
    public void IupacCodes_AreUniformOverTheirBases_EitherCase(char code, float a, float c, float g, float t)
    {
        Assert.Equal([a, c, g, t], Column("A" + code, 1));
        Assert.Equal([a, c, g, t], Column("A" + char.ToLowerInvariant(code), 1));
    }

    [Fact]
    public void EveryOtherCharacter_IsRejected()
    {
        const string valid = "ACGTNRYSWKMBDHVacgtnryswkmbdhv";
        for (int ch = 0; ch < 0x250; ch++)
        {
            bool expected = valid.Contains((char)ch, StringComparison.Ordinal);
            Assert.Equal(expected, OneHotDna.IsValid((char)ch));
        }
        var e = Assert.Throws<InvalidDataException>(() => OneHotDna.Encode("ACGU", new float[16], "chr7"));
        Assert.Contains("record 'chr7'", e.Message, StringComparison.Ordinal);
        Assert.Contains("position 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OneHotDna.Encode("ACG", new float[16]));
    }

    [Fact]
    public void EncodeRecord_Allocates4xL()
    {
        var x = OneHotDna.Encode(new FastaRecord("r", "acN"));
        Assert.Equal([1f, 0, 0.25f, 0, 1, 0.25f, 0, 0, 0.25f, 0, 0, 0.25f], x);
    }
}
