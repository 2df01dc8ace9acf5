namespace PrunedLrp.Tests.Kernels;

/// <summary>Seeded kept sets for the kept-entry kernels: none, one, a few, about a tenth, or all of the entries.</summary>
internal static class KeptSets
{
    public static int[] Random(Random rng, int length, int form)
    {
        if (length == 0 || form == 0)
            return [];
        if (form == 1)
            return [rng.Next(length)];
        if (form == 4)
            return Enumerable.Range(0, length).ToArray();
        double fraction = form == 2 ? 3.0 / length : 0.1;
        var kept = Enumerable.Range(0, length).Where(_ => rng.NextDouble() < fraction).ToArray();
        return kept.Length == 0 ? [rng.Next(length)] : kept;
    }

    /// <summary>x with every entry outside <paramref name="kept"/> set to 0.</summary>
    public static float[] Masked(float[] x, int[] kept)
    {
        var masked = new float[x.Length];
        foreach (int i in kept)
            masked[i] = x[i];
        return masked;
    }

    /// <summary>A tensor of <paramref name="length"/> zeros with values[k] at listed[k].</summary>
    public static float[] Scattered(float[] values, int[] listed, int length)
    {
        var result = new float[length];
        for (int k = 0; k < listed.Length; k++)
            result[listed[k]] = values[k];
        return result;
    }

    public const int Forms = 5;
}
