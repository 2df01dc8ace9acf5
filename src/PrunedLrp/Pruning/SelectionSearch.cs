namespace PrunedLrp.Pruning;

/// <summary>
/// Finds the cut of a selection without sorting: quickselect over a scratch copy of the candidate values (all &gt;= 0,
/// no NaN) with running sums. Large candidate sets are first narrowed by <em>bracketing</em>: sort a random sample,
/// estimate where the cut falls in it, and take the two sample values a few ranks either side as bounds; one scan
/// (<see cref="SelectionKernels.ScanBracket"/>) counts and sums below and between them, and the part holding the cut
/// (usually the ~1/8 between) is compacted in place. Smaller sets use a three-way partition around one pivot (median of
/// three samples): a scan (<see cref="SelectionKernels.Scan"/>) counts below/equal and sums below, then the side
/// holding the cut is compacted; the pivot's ties are never moved, since their value and count are all that matter,
/// and a round removes all of them, so many equal values stay O(n). Expected O(n) overall; remainders of
/// <see cref="SortBelow"/> or fewer, and any remainder after too many rounds (an unlucky sequence of pivots), are
/// finished by sorting, so the worst case is O(n log n). Randomness is a seeded xorshift: runs are reproducible.
/// </summary>
internal static class SelectionSearch
{
    /// <summary>At or below this many candidates, sorting them is cheaper than another partition round.</summary>
    const int SortBelow = 48;

    /// <summary>From this many candidates on, a round brackets the cut between two sample quantiles.</summary>
    const int BracketFrom = 8192;

    const int SampleSize = 512;

    /// <summary>Half-width of a bracket in sample ranks: ~3 standard deviations of a sample quantile's rank (at most sqrt(512/4) ≈ 11).</summary>
    const int BracketHalfWidth = 32;

    const uint Seed = 0x9E3779B9u;

    /// <summary>The default round limit for <paramref name="n"/> candidates: about 3 log2(n) (expected ~1.9 log2(n) with single pivots).</summary>
    internal static int DefaultMaxRounds(int n) => 16 + 3 * (32 - int.LeadingZeroCount(n));

    /// <summary>
    /// Mass mode on one sign's magnitudes <paramref name="v"/> (all &gt; 0; reordered in place): the cut of the longest
    /// prefix of the ascending order (ties: lower index first) whose sum is <c>&lt;= p * total</c>. Returned as
    /// <see cref="SelectionCut"/> with <c>Ties</c> = how many entries equal to the threshold (lowest index first) are
    /// pruned, and <see cref="SelectionCut.PrunedMass"/> = the sum of the pruned entries. <c>p &gt;= 1</c> prunes all;
    /// for <c>p &lt; 1</c> the largest entry (the last in that order) always survives, even where double rounding would
    /// say otherwise.
    /// </summary>
    internal static SelectionCut MassCut(Span<float> v, double total, double p, int maxRounds)
    {
        if (v.IsEmpty || p >= 1)
            return SelectionCut.PruneAll with { PrunedMass = total };
        // p == 0 would give 0 * inf = NaN when the total overflowed to +inf; the empty prefix is always allowed.
        double budget = p == 0 ? 0 : p * total;
        double pruned = 0; // sum of the entries known to be pruned (all below the candidates); always <= budget
        double candSum = total; // sum of the candidates, up to rounding: only steers the bracket
        SelectionCut? ifAllPruned = null; // the cut if every candidate turns out pruned; null while they include the maximum
        Span<float> sample = stackalloc float[SampleSize];
        uint rng = Seed;
        bool bracketing = true;
        var cand = v;
        for (int round = 0; ; round++)
        {
            if (cand.Length <= SortBelow || round >= maxRounds)
                return MassCutSorted(cand, pruned, budget, ifAllPruned);
            if (bracketing && cand.Length >= BracketFrom)
            {
                DrawSorted(cand, sample, ref rng);
                int at = MassQuantile(sample, candSum > 0 ? (budget - pruned) / candSum : 0);
                float lo = sample[Math.Max(at - BracketHalfWidth, 0)], hi = sample[Math.Min(at + BracketHalfWidth, SampleSize - 1)];
                SelectionKernels.ScanBracket(cand, lo, hi, out int below, out double belowSum, out int middle, out double middleSum);
                int before = cand.Length;
                if (pruned + belowSum > budget)
                {
                    ifAllPruned = new SelectionCut(lo, 0); // prune below lo, keep from lo's first tie on
                    candSum = belowSum;
                    cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Below(lo))];
                }
                else if (pruned + belowSum + middleSum > budget && middle < cand.Length)
                {
                    pruned += belowSum;
                    ifAllPruned = new SelectionCut(hi, int.MaxValue); // prune up to hi and all its ties
                    candSum = middleSum;
                    cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Between(lo, hi))];
                }
                else if (pruned + belowSum + middleSum <= budget && below + middle < cand.Length)
                {
                    pruned += belowSum + middleSum;
                    candSum -= belowSum + middleSum;
                    cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Above(hi))];
                }
                else
                {
                    // No progress (everything between the bounds) or everything fits (rounding): a pivot round settles it.
                    bracketing = false;
                }
                if (cand.Length != before)
                {
                    // A bracket that kept most candidates was a poor guess (few distinct values): switch to pivots.
                    bracketing = cand.Length <= before / 2;
                    continue;
                }
            }
            float pivot = MedianOfThree(cand, ref rng);
            SelectionKernels.Scan(cand, pivot, out int less, out int equal, out double lessSum);
            if (pruned + lessSum > budget)
            {
                ifAllPruned = new SelectionCut(pivot, 0);
                candSum = lessSum;
                cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Below(pivot))];
                continue;
            }
            pruned += lessSum;
            int ties = TiesWithin(pruned, budget, pivot, equal);
            if (ties < equal)
                return new SelectionCut(pivot, ties) { PrunedMass = pruned + (double)pivot * ties };
            pruned += (double)pivot * equal;
            if (less + equal == cand.Length)
                return ifAllPruned is SelectionCut all ? all with { PrunedMass = pruned } : new SelectionCut(pivot, equal - 1) { PrunedMass = pruned - pivot };
            candSum -= lessSum + (double)pivot * equal;
            cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Above(pivot))];
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
        Span<float> sample = stackalloc float[SampleSize];
        uint rng = Seed;
        bool bracketing = true;
        var cand = v;
        for (int round = 0; ; round++)
        {
            if (cand.Length <= SortBelow || round >= maxRounds)
            {
                cand.Sort();
                int at = pruneCount - before;
                int last = at;
                while (last + 1 < cand.Length && cand[last + 1] == cand[at])
                    last++;
                return new SelectionCut(cand[at], last - at + 1);
            }
            if (bracketing && cand.Length >= BracketFrom)
            {
                DrawSorted(cand, sample, ref rng);
                int at = (int)((long)(pruneCount - before) * SampleSize / cand.Length);
                float lo = sample[Math.Max(at - BracketHalfWidth, 0)], hi = sample[Math.Min(at + BracketHalfWidth, SampleSize - 1)];
                SelectionKernels.ScanBracket(cand, lo, hi, out int below, out _, out int middle, out _);
                int length = cand.Length;
                if (before + below > pruneCount)
                {
                    cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Below(lo))];
                }
                else if (before + below + middle > pruneCount && middle < cand.Length)
                {
                    before += below;
                    cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Between(lo, hi))];
                }
                else if (before + below + middle <= pruneCount)
                {
                    before += below + middle;
                    cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Above(hi))];
                }
                else
                {
                    bracketing = false;
                }
                if (cand.Length != length)
                {
                    bracketing = cand.Length <= length / 2;
                    continue;
                }
            }
            float pivot = MedianOfThree(cand, ref rng);
            SelectionKernels.Scan(cand, pivot, out int less, out int equal, out _);
            if (before + less > pruneCount)
            {
                cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Below(pivot))];
            }
            else if (before + less + equal > pruneCount)
            {
                return new SelectionCut(pivot, before + less + equal - pruneCount);
            }
            else
            {
                before += less + equal;
                cand = cand[..SelectionKernels.CompactWithoutSum(cand, cand, new SelectionFilters.Above(pivot))];
            }
        }
    }

    /// <summary>Finishes <see cref="MassCut"/> on a remainder by sorting it and adding in ascending order.</summary>
    static SelectionCut MassCutSorted(Span<float> cand, double pruned, double budget, SelectionCut? ifAllPruned)
    {
        cand.Sort();
        for (int i = 0; i < cand.Length; i++)
        {
            if (pruned + cand[i] > budget)
            {
                int first = i;
                while (first > 0 && cand[first - 1] == cand[i])
                    first--;
                return new SelectionCut(cand[i], i - first) { PrunedMass = pruned };
            }
            pruned += cand[i];
        }
        if (ifAllPruned is SelectionCut cut)
            return cut with { PrunedMass = pruned };
        if (cand.IsEmpty)
            return SelectionCut.PruneAll with { PrunedMass = pruned };
        // Everything fits only through rounding (p < 1 here): keep the last entry of the order, the maximum.
        int top = cand.Length - 1;
        while (top > 0 && cand[top - 1] == cand[^1])
            top--;
        return new SelectionCut(cand[^1], cand.Length - 1 - top) { PrunedMass = pruned - cand[^1] };
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

    /// <summary>
    /// In a sorted sample, the first index whose inclusive prefix sum exceeds <paramref name="share"/> of the sample's
    /// sum: where the cut of a mass selection would fall if the sample were everything.
    /// </summary>
    static int MassQuantile(ReadOnlySpan<float> sorted, double share)
    {
        double total = 0;
        foreach (float x in sorted)
            total += x;
        double target = share * total, sum = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            sum += sorted[i];
            if (sum > target)
                return i;
        }
        return sorted.Length - 1;
    }

    /// <summary>Fills <paramref name="sample"/> with candidates drawn with replacement, sorted ascending.</summary>
    static void DrawSorted(ReadOnlySpan<float> cand, Span<float> sample, ref uint rng)
    {
        for (int i = 0; i < sample.Length; i++)
            sample[i] = cand[Draw(ref rng, cand.Length)];
        SampleSort.SortNonNegative(sample, stackalloc float[SampleSize]);
    }

    /// <summary>Median of three candidates drawn at random.</summary>
    static float MedianOfThree(ReadOnlySpan<float> cand, ref uint rng)
    {
        float a = cand[Draw(ref rng, cand.Length)];
        float b = cand[Draw(ref rng, cand.Length)];
        float c = cand[Draw(ref rng, cand.Length)];
        return Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }

    /// <summary>A uniform index in [0, length) from a xorshift32 step.</summary>
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
