namespace PrunedLrp.Tests.Pruning;

/// <summary>Seeded relevance vectors for the selection tests.</summary>
internal static class SelectionTestData
{
    public enum Kind { Normal, Ties, Positive, Negative, Extreme, Sparse }

    public static readonly Kind[] AllKinds = Enum.GetValues<Kind>();

    static readonly float[] TieValues = [0f, 0.25f, -0.25f, 0.5f, -0.5f, 1f, -1f, 2f, -2f, 3f];

    public static float[] Make(Kind kind, int n, int seed)
    {
        var rng = new Random(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = kind switch
            {
                // Gaussian with ~10% exact zeros, as ReLU networks produce.
                Kind.Normal => rng.NextDouble() < 0.1 ? 0f : (float)Gaussian(rng),
                // Few distinct values: sums are exact in double, so borderline comparisons must agree exactly.
                Kind.Ties => TieValues[rng.Next(TieValues.Length)],
                Kind.Positive => (float)(rng.NextDouble() + 1e-3),
                Kind.Negative => (float)(-rng.NextDouble() - 1e-3),
                Kind.Extreme => Extreme(rng),
                Kind.Sparse => rng.NextDouble() < 0.95 ? 0f : (float)Gaussian(rng),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }
        return r;
    }

    static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Denormals, tiny, ordinary and huge magnitudes (up to float.MaxValue), either sign.</summary>
    static float Extreme(Random rng)
    {
        float sign = rng.Next(2) == 0 ? 1f : -1f;
        return sign * rng.Next(5) switch
        {
            0 => float.Epsilon * rng.Next(1, 1000),
            1 => (float)(rng.NextDouble() * 1e-30),
            2 => (float)rng.NextDouble(),
            3 => (float)(rng.NextDouble() * 1e30),
            _ => float.MaxValue * (float)rng.NextDouble(),
        };
    }
}
