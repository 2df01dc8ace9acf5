namespace PrunedLrp.Pruning;

// Sort-based stand-in until the vectorized selection lands (branch `selection`); same API and semantics.
internal readonly record struct SelectionResult(int KeptPositive, int KeptNegative, double PositiveMass, double KeptPositiveMass,
    double NegativeMass, double KeptNegativeMass);

internal static class RelevanceSelection
{
    public static int ScratchLength(int n) => n;

    public static int TopKCount(int n, double fraction) => (int)Math.Round(fraction * n);

    public static SelectionResult SelectByMass(ReadOnlySpan<float> r, double pPos, double pNeg, Span<bool> keep, Span<float> scratch)
    {
        keep.Clear();
        var (kp, pm, kpm) = Side(r, pPos, keep, positive: true);
        var (kn, nm, knm) = Side(r, pNeg, keep, positive: false);
        return new SelectionResult(kp, kn, pm, kpm, nm, knm);
    }

    static (int Kept, double Mass, double KeptMass) Side(ReadOnlySpan<float> r, double p, Span<bool> keep, bool positive)
    {
        var idx = new List<int>();
        for (int i = 0; i < r.Length; i++)
            if (positive ? r[i] > 0 : r[i] < 0) idx.Add(i);
        var arr = r.ToArray();
        idx.Sort((a, b) => { int c = Math.Abs(arr[a]).CompareTo(Math.Abs(arr[b])); return c != 0 ? c : a.CompareTo(b); });
        double total = 0;
        foreach (int i in idx) total += Math.Abs(arr[i]);
        double cum = 0; int cut = 0;
        while (cut < idx.Count && cum + Math.Abs(arr[idx[cut]]) <= p * total) { cum += Math.Abs(arr[idx[cut]]); cut++; }
        double kept = 0;
        for (int j = cut; j < idx.Count; j++) { keep[idx[j]] = true; kept += Math.Abs(arr[idx[j]]); }
        double sign = positive ? 1 : -1;
        return (idx.Count - cut, sign * total, sign * kept);
    }

    public static SelectionResult SelectTopK(ReadOnlySpan<float> r, int k, Span<bool> keep, Span<float> scratch)
    {
        keep.Clear();
        var arr = r.ToArray();
        var idx = Enumerable.Range(0, r.Length).ToList();
        idx.Sort((a, b) => { int c = Math.Abs(arr[b]).CompareTo(Math.Abs(arr[a])); return c != 0 ? c : a.CompareTo(b); });
        int kp = 0, kn = 0; double pm = 0, nm = 0, kpm = 0, knm = 0;
        for (int j = 0; j < idx.Count; j++)
        {
            float v = arr[idx[j]];
            if (v > 0) pm += v; else nm += v;
            if (j < k) { keep[idx[j]] = true; if (v > 0) { kp++; kpm += v; } else if (v < 0) { kn++; knm += v; } }
        }
        return new SelectionResult(kp, kn, pm, kpm, nm, knm);
    }
}
