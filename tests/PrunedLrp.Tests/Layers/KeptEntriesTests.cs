using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Layers;

/// <summary>PLRP-M's kept-entry lists: validation and clearing what is not kept.</summary>
public class KeptEntriesTests
{
    [Fact]
    public void Of_AndMaxCount_FollowTheStarts()
    {
        var kept = new KeptEntries([1, 4, 0, 2, 3, 9], [0, 2, 2, 6]);
        Assert.Equal(3, kept.Batch);
        Assert.Equal([1, 4], kept.Of(0).ToArray());
        Assert.True(kept.Of(1).IsEmpty);
        Assert.Equal([0, 2, 3, 9], kept.Of(2).ToArray());
        Assert.Equal(4, kept.MaxCount);
        Assert.True(default(KeptEntries).IsEmpty);
    }

    [Fact]
    public void ClearOthers_ZeroesEveryEntryNotKept()
    {
        var values = Enumerable.Range(1, 12).Select(i => (float)i).ToArray(); // 3 samples of 4
        new KeptEntries([0, 3, 1, 2], [0, 2, 2, 4]).ClearOthers(values, 4);
        Assert.Equal([1f, 0, 0, 4, 0, 0, 0, 0, 0, 10, 11, 0], values);
    }

    [Theory]
    [InlineData(new[] { 2, 1 }, new[] { 0, 2 })]      // not ascending
    [InlineData(new[] { 1, 1 }, new[] { 0, 2 })]      // repeated
    [InlineData(new[] { 1, 2 }, new[] { 1, 2 })]      // does not start at 0
    [InlineData(new[] { 1, 2 }, new[] { 0, 3 })]      // past the indices
    [InlineData(new[] { 1, 2 }, new[] { 0, 2, 1 })]   // decreasing starts
    [InlineData(new[] { 1 }, new[] { 0 })]            // no sample
    public void Constructor_RejectsInconsistentLists(int[] indices, int[] starts)
        => Assert.Throws<ArgumentException>(() => new KeptEntries(indices, starts));

    [Fact]
    public void Describes_OnlyItsOwnBatch()
    {
        Assert.False(default(KeptEntries).Describes(3));
        var kept = new KeptEntries([1, 2], [0, 1, 2]);
        Assert.True(kept.Describes(2));
        Assert.Throws<ArgumentException>(() => new KeptEntries([1, 2], [0, 1, 2]).Describes(3));
    }
}
