using Xunit;
using PrunedLrp.Pruning;

namespace PrunedLrp.Tests.Pruning;

public class SampleSortTests
{
    [Fact]
    public void SortNonNegative_MatchesArraySort_OverLengthsAndValueKinds()
    {
        var rng = new Random(61);
        foreach (int n in Enumerable.Range(0, 258).Concat([511, 512, 513, 2000]))
        {
            for (int kind = 0; kind < 4; kind++)
            {
                var values = new float[n];
                for (int i = 0; i < n; i++)
                {
                    values[i] = kind switch
                    {
                        0 => (float)rng.NextDouble(),
                        // Few distinct values: ties, and passes whose digit is the same throughout.
                        1 => rng.Next(4) * 0.5f,
                        // Zeros, denormals, huge values and +inf.
                        2 => rng.Next(5) switch { 0 => 0f, 1 => float.Epsilon * rng.Next(1, 9), 2 => float.MaxValue, 3 => float.PositiveInfinity, _ => (float)rng.NextDouble() * 1e20f },
                        _ => MathF.Abs((float)(rng.NextDouble() - 0.5)) * (1 << rng.Next(30)),
                    };
                }
                var expected = (float[])values.Clone();
                Array.Sort(expected);
                SampleSort.SortNonNegative(values, new float[n]);
                Assert.Equal(expected, values);
            }
        }
    }

    [Fact]
    public void SortNonNegative_RejectsShortWorkSpace()
    {
        Assert.Throws<ArgumentException>(() => SampleSort.SortNonNegative(new float[4], new float[3]));
    }
}
