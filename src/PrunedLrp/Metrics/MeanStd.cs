namespace PrunedLrp.Metrics;

/// <summary>
/// Mean and population standard deviation (divisor n, as numpy's default <c>np.std</c>) of a set of per-sample metric
/// values: <c>mean = sum x / n</c>, <c>std = sqrt(sum (x - mean)^2 / n)</c>. Both are NaN for an empty set.
/// </summary>
/// <param name="Mean">The arithmetic mean.</param>
/// <param name="Std">The population standard deviation.</param>
/// <param name="Count">The number of values.</param>
public readonly record struct MeanStd(double Mean, double Std, int Count)
{
    /// <summary>Summarises <paramref name="values"/> (two passes, so the variance does not suffer cancellation).</summary>
    public static MeanStd Of(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
            return new MeanStd(double.NaN, double.NaN, 0);
        double sum = 0;
        foreach (double v in values) sum += v;
        double mean = sum / values.Length;
        double sq = 0;
        foreach (double v in values) sq += (v - mean) * (v - mean);
        return new MeanStd(mean, Math.Sqrt(sq / values.Length), values.Length);
    }

    /// <summary>Summarises float values (accumulated in double).</summary>
    public static MeanStd Of(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
            return new MeanStd(double.NaN, double.NaN, 0);
        double sum = 0;
        foreach (float v in values) sum += v;
        double mean = sum / values.Length;
        double sq = 0;
        foreach (float v in values) sq += (v - mean) * (v - mean);
        return new MeanStd(mean, Math.Sqrt(sq / values.Length), values.Length);
    }

    /// <summary>"mean ± std (n = count)" with invariant formatting.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:G6} ± {Std:G6} (n = {Count})");
}
