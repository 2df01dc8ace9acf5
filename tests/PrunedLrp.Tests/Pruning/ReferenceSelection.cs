namespace PrunedLrp.Tests.Pruning;

/// <summary>
/// Plain full-sort twin of <see cref="PrunedLrp.Pruning.RelevanceSelection"/>, written straight from the spec
/// (REFERENCE.md, "Selection"): stable sort by value then flat index, float64 cumulative sums, the longest prefix
/// whose sum is &lt;= p * total (total = the last cumulative sum), the largest entry kept for p &lt; 1.
/// </summary>
internal static class ReferenceSelection
{
    public static bool[] ByMass(float[] r, double pPos, double pNeg)
    {
        var keep = new bool[r.Length];
        MarkSign(keep, Enumerable.Range(0, r.Length).Where(i => r[i] > 0).Select(i => (Value: r[i], Index: i)), pPos);
        MarkSign(keep, Enumerable.Range(0, r.Length).Where(i => r[i] < 0).Select(i => (Value: -r[i], Index: i)), pNeg);
        return keep;
    }

    public static bool[] TopK(float[] r, int k)
    {
        var keep = new bool[r.Length];
        var order = Enumerable.Range(0, r.Length)
            .OrderByDescending(i => float.IsNaN(r[i]) ? 0f : MathF.Abs(r[i]))
            .ThenBy(i => i);
        foreach (int i in order.Take(k))
            keep[i] = true;
        return keep;
    }

    /// <summary>Sums of the kept entries per sign, in flat order (double).</summary>
    public static (int KeptPositive, double KeptPositiveMass, int KeptNegative, double KeptNegativeMass) Tally(float[] r, bool[] keep)
    {
        int kp = 0, kn = 0;
        double sp = 0, sn = 0;
        for (int i = 0; i < r.Length; i++)
        {
            if (!keep[i])
                continue;
            if (r[i] > 0)
            {
                kp++;
                sp += r[i];
            }
            else if (r[i] < 0)
            {
                kn++;
                sn += r[i];
            }
        }
        return (kp, sp, kn, sn);
    }

    static void MarkSign(bool[] keep, IEnumerable<(float Value, int Index)> entries, double p)
    {
        var sorted = entries.OrderBy(e => e.Value).ThenBy(e => e.Index).ToArray();
        var prefix = new double[sorted.Length + 1];
        for (int j = 0; j < sorted.Length; j++)
            prefix[j + 1] = prefix[j] + sorted[j].Value;
        double budget = p * prefix[^1];
        int pruned = 0; // the empty prefix is always pruned
        while (pruned < sorted.Length && prefix[pruned + 1] <= budget)
            pruned++;
        if (p < 1 && pruned == sorted.Length && pruned > 0)
            pruned--;
        for (int j = pruned; j < sorted.Length; j++)
            keep[sorted[j].Index] = true;
    }
}
