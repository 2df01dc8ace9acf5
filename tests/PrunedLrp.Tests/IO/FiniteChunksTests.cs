using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

/// <summary>The per-chunk finite flags the model loader fills as it reads (<see cref="FiniteChunks"/>).</summary>
public class FiniteChunksTests
{
    [Fact]
    public void AllFinite_HoldsOnlyWhereEveryTouchedChunkWasScannedFinite()
    {
        var chunks = new FiniteChunks(length: 40, chunkBytes: 16); // chunks [0,16) [16,32) [32,40)
        Assert.False(chunks.AllFinite(0, 4)); // not scanned yet: unknown
        chunks.Scan(0, [1f, 2f, 3f, 4f]);
        chunks.Scan(16, [1f, float.NaN, 3f, 4f]);
        chunks.Scan(32, [float.MaxValue, -0f]);
        Assert.True(chunks.AllFinite(0, 16));
        Assert.True(chunks.AllFinite(4, 8));
        Assert.False(chunks.AllFinite(12, 8)); // reaches the chunk with the NaN
        Assert.False(chunks.AllFinite(16, 4));
        Assert.True(chunks.AllFinite(32, 8));
        Assert.True(chunks.AllFinite(20, 0)); // nothing to check
        Assert.False(chunks.AllFinite(32, 12)); // past the end
        Assert.False(chunks.AllFinite(-4, 8));
        chunks.Scan(16, [1f, 2f, 3f, float.PositiveInfinity]);
        Assert.False(chunks.AllFinite(0, 40));
        chunks.Scan(16, [1f, 2f, 3f, 4f]);
        Assert.True(chunks.AllFinite(0, 40));
    }

    [Fact]
    public void Scan_OffABoundary_AndBadChunkSizes_Throw()
    {
        var chunks = new FiniteChunks(64, 16);
        Assert.Throws<ArgumentException>(() => chunks.Scan(8, [1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiniteChunks(64, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiniteChunks(64, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiniteChunks(-1, 16));
    }
}
