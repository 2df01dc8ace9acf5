namespace PrunedLrp.Pruning;

/// <summary>
/// Finds the cut of a selection without sorting: quickselect over a scratch copy of the candidate values (all &gt; 0,
/// no NaN), with a three-way partition around a pivot (median of three seeded-random samples) and running sums.
/// Each round scans the candidates once (<see cref="SelectionKernels.Scan"/>: counts below/equal, sum below), decides
/// which side holds the cut, and compacts that side in place; entries equal to the pivot are never moved, since their
/// value and count are all that matter. Expected O(n); many equal values stay O(n) because a round removes all of the
/// pivot's ties. Small remainders, and a remainder that survives too many rounds (an unlucky pivot sequence), are
/// finished by sorting, so the worst case is O(n log n).
/// </summary>
internal static class SelectionSearch
{
    /// <summary>At or below this many candidates, sorting them is cheaper than another partition round.</summary>
    const int SortBelow = 48;

    /// <summary>The default round limit for <paramref name="n"/> candidates: about 3 log2(n) (expected ~1.9 log2(n)).</summary>
    internal static int DefaultMaxRounds(int n) => 16 + 3 * (32 - int.LeadingZeroCount(n));

    /// <summary>
    /// Mass mode on one sign's magnitudes <paramref name="v"/> (reordered in place): the cut of the longest prefix of
    /// the ascending order (ties: lower index first) whose sum is <c>&lt;= p * total</c>. Returned as
    /// <see cref="SelectionCut"/> with <c>Ties</c> = how many entries equal to the threshold (lowest index first) are
    /// pruned. <c>p &gt;= 1</c> prunes all; for <c>p &lt; 1</c> the largest entry (the last in that order) always survives,
    /// even where double rounding would say otherwise.
    /// </summary>
    internal static SelectionCut MassCut(Span<float> v, double total, double p, int maxRounds)
    {
        if (v.IsEmpty || p >= 1)
            return SelectionCut.PruneAll;
        // p == 0 would give 0 * inf = NaN when the total overflowed to +inf; the empty prefix is always allowed.
        double budget = p == 0 ? 0 : p * total;
        double pruned = 0; // sum of the entries already known to be pruned (all below the candidates); always <= budget
        float upper = float.PositiveInfinity; // the value just above the candidates (+inf: they include the maximum)
        uint rng = 0x9E3779B9u;
        var cand = v;
        for (int round = 0; ; round++)
        {
            if (cand.Length <= SortBelow || round >= maxRounds)
                return MassCutSorted(cand, pruned, budget, upper);
            float pivot = Pivot(cand, ref rng);
            SelectionKernels.Scan(cand, pivot, out int below, out int equal, out double belowSum);
            if (pruned + belowSum > budget)
            {
                // The cut is below the pivot; if all of the lower part ends up pruned, the pivot's first tie is the cut.
                upper = pivot;
                cand = cand[..SelectionKernels.Compact(cand, cand, new SelectionFilters.Below(pivot), out _)];
                continue;
            }
            pruned += belowSum;
            int ties = TiesWithin(pruned, budget, pivot, equal);
            if (ties < equal)
                return new SelectionCut(pivot, ties);
            pruned += (double)pivot * equal;
            if (below + equal == cand.Length)
                return upper < float.PositiveInfinity ? new SelectionCut(upper, 0) : new SelectionCut(pivot, equal - 1);
            cand = cand[..SelectionKernels.Compact(cand, cand, new SelectionFilters.Above(pivot), out _)];
        }
    }

    /// <summary>
    /// Top-k mode on magnitudes <paramref name="v"/> (reordered in place), <c>0 &lt; pruneCount &lt; v.Length</c>: the
    /// value at ascending position <paramref name="pruneCount"/> (the smallest kept), with <c>Ties</c> = how many
    /// entries equal to it are kept (lowest index first).
    /// </summary>
    internal static SelectionCut RankCut(Span<float> v, int pruneCount, int maxRounds)
    {
        int before = 0; // entries below the candidates
        uint rng = 0x9E3779B9u;
        var cand = v;
        for (int round = 0; ; round++)
        {
            if (cand.Length <= SortBelow || round >= maxRounds)
            {
                cand.Sort();
                int at = pruneCount - before;
                float t = cand[at];
                int first = at, last = at;
                while (first > 0 && cand[first - 1] == t)
                    first--;
                while (last + 1 < cand.Length && cand[last + 1] == t)
                    last++;
                return new SelectionCut(t, last - at + 1);
            }
            float pivot = Pivot(cand, ref rng);
            SelectionKernels.Scan(cand, pivot, out int below, out int equal, out _);
            if (before + below > pruneCount)
            {
                cand = cand[..SelectionKernels.Compact(cand, cand, new SelectionFilters.Below(pivot), out _)];
            }
            else if (before + below + equal > pruneCount)
            {
                return new SelectionCut(pivot, before + below + equal - pruneCount);
            }
            else
            {
                before += below + equal;
                cand = cand[..SelectionKernels.Compact(cand, cand, new SelectionFilters.Above(pivot), out _)];
            }
        }
    }

    /// <summary>Finishes <see cref="MassCut"/> on a remainder by sorting it and adding in ascending order.</summary>
    static SelectionCut MassCutSorted(Span<float> cand, double pruned, double budget, float upper)
    {
        cand.Sort();
        for (int i = 0; i < cand.Length; i++)
        {
            if (pruned + cand[i] > budget)
            {
                int first = i;
                while (first > 0 && cand[first - 1] == cand[i])
                    first--;
                return new SelectionCut(cand[i], i - first);
            }
            pruned += cand[i];
        }
        if (upper < float.PositiveInfinity || cand.IsEmpty)
            return new SelectionCut(upper, 0);
        // Everything fits only through rounding (p < 1 here): keep the last entry of the order, the maximum.
        int top = cand.Length - 1;
        while (top > 0 && cand[top - 1] == cand[^1])
            top--;
        return new SelectionCut(cand[^1], cand.Length - 1 - top);
    }

    /// <summary>The largest m in [0, count] with <c>pruned + m * t &lt;= budget</c> (t &gt; 0).</summary>
    static int TiesWithin(double pruned, double budget, float t, int count)
    {
        if (pruned + (double)t * count <= budget)
            return count;
        int m = (int)Math.Max(0, Math.Min(count - 1, Math.Floor((budget - pruned) / t)));
        // The division is a guess; settle the borderline with the same expression as the test above.
        while (m > 0 && pruned + (double)t * m > budget)
            m--;
        while (m + 1 < count && pruned + (double)t * (m + 1) <= budget)
            m++;
        return m;
    }

    /// <summary>Median of three candidates drawn with a xorshift32 generator (seeded, so runs are reproducible).</summary>
    static float Pivot(ReadOnlySpan<float> cand, ref uint rng)
    {
        float a = cand[Draw(ref rng, cand.Length)];
        float b = cand[Draw(ref rng, cand.Length)];
        float c = cand[Draw(ref rng, cand.Length)];
        return Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }

    static int Draw(ref uint rng, int length)
    {
        uint x = rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        rng = x;
        return (int)((ulong)x * (uint)length >> 32);
    }
}
