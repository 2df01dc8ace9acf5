using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Layers;

/// <summary>Listing the non-zero relevance entries per sample: every length from 0 to 257 (vector tails), NaN listed,
/// signed zeros not, and refusal over the limit or when the buffer cannot hold the lists.</summary>
public class ListedOutputsTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 1; n <= 257; n += n < 20 ? 1 : 13)
            data.Add(n);
        data.Add(257);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TryList_ListsExactlyTheNonZeroEntriesOfEachSample(int size)
    {
        var rng = new Random(size);
        const int batch = 3;
        var r = new float[batch * size];
        for (int i = 0; i < r.Length; i++)
        {
            double u = rng.NextDouble();
            r[i] = u < 0.7 ? (rng.Next(2) == 0 ? 0f : -0f) : u < 0.75 ? float.NaN : (float)(rng.NextDouble() - 0.5);
        }
        var expected = Enumerable.Range(0, batch).Select(n => Enumerable.Range(0, size).Where(i => !(r[n * size + i] == 0f)).ToArray()).ToArray();
        int limit = Math.Max(1, expected.Max(e => e.Length));
        var buffer = new float[batch * size * 2 + 8];
        Assert.True(ListedOutputs.TryList(r, batch, limit, 2, buffer, out var list, out var values));
        Assert.Equal(batch, list.Batch);
        for (int n = 0; n < batch; n++)
            Assert.Equal(expected[n], list.Of(n).ToArray());
        Assert.Equal(2 * expected.Sum(e => e.Length), values.Length);

        var gathered = new float[list.Indices.Length];
        ListedOutputs.Gather(r, list, gathered);
        for (int n = 0; n < batch; n++)
        {
            var part = ListedOutputs.Of(gathered, list, n).ToArray();
            Assert.Equal(expected[n].Select(i => r[n * size + i]).ToArray(), part);
        }

        if (expected.Max(e => e.Length) > 0)
            Assert.False(ListedOutputs.TryList(r, batch, expected.Max(e => e.Length) - 1, 2, buffer, out _, out _));
    }

    [Fact]
    public void TryList_RefusesWhenTheBufferCannotHoldTheLists()
    {
        var r = new float[64];
        r.AsSpan().Fill(1f);
        // 64 entries, 2 value spans: starts (2) + 64 * 3 floats.
        Assert.True(ListedOutputs.TryList(r, 1, 64, 2, new float[2 + 64 * 3], out var list, out _));
        Assert.Equal(64, list.Indices.Length);
        Assert.False(ListedOutputs.TryList(r, 1, 64, 2, new float[1 + 64 * 3], out _, out _));
        Assert.False(ListedOutputs.TryList(r, 1, 0, 2, new float[1000], out _, out _));
        Assert.False(ListedOutputs.TryList(r, 0, 64, 2, new float[1000], out _, out _));
    }
}
