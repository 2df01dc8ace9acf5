using System.Diagnostics.CodeAnalysis;
using PrunedLrp.Kernels;

namespace PrunedLrp.Pruning;

/// <summary>
/// Chooses which entries of one sample's relevance <c>r</c> (a pruning point, flattened) Pruned LRP keeps. Both modes
/// copy the candidate magnitudes to the scratch, find the cut by quickselect with running sums (expected O(n), no full
/// sort: sample-quantile brackets, then three-way partitions), then mark <c>keep</c> in one vectorized pass over <c>r</c>.
/// Allocation-free: the caller passes <c>keep</c> (<see cref="bool"/> per entry, <c>true</c> = kept) and a float scratch
/// of at least <see cref="ScratchLength"/> entries; <c>r</c> is not modified.
/// </summary>
/// <remarks>
/// <para><b>Mass mode</b> (<see cref="SelectByMass"/>), per sign: order the positive entries by value ascending (ties:
/// lower flat index first) and prune the longest prefix whose sum is <c>&lt;= pPos * P</c>, where
/// <c>P = sum_{r_i &gt; 0} r_i</c>; likewise the negative entries by <c>|r|</c> with <c>pNeg</c>. Sums are
/// accumulated in double precision and compared as <c>prefixSum &lt;= p * P</c> in double, like float64 cumulative
/// sums; they are not added in sorted order, so only on a borderline case (a prefix sum within double rounding of
/// <c>p * P</c>) can the result differ from a sequential cumulative sum, and not at all where the sums are exact in
/// double (e.g. values on a coarse grid). Zeros (and NaN) are always pruned. <c>p = 1</c> prunes every entry of that
/// sign; for <c>p &lt; 1</c> at least the largest entry of that sign survives (the last of the order: among equal
/// maxima, the highest index); <c>p = 0</c> prunes only the zeros.</para>
/// <para><b>Top-k mode</b> (<see cref="SelectTopK"/>): keep the k entries of largest <c>|r|</c> (ties: lower flat
/// index first). Zeros rank like any value, below every non-zero (a kept zero contributes nothing to either sign's
/// mass); NaN ranks as 0.</para>
/// </remarks>
public static unsafe class RelevanceSelection
{
    /// <summary>The scratch length (floats) the selections need for <paramref name="n"/> entries: <c>n</c>.</summary>
    public static int ScratchLength(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        return n;
    }

    /// <summary>
    /// Mass mode: per sign, prunes the smallest entries whose sum is at most the given proportion of that sign's mass
    /// (see the type remarks for the exact order and tie rules).
    /// </summary>
    /// <param name="r">Relevance of one sample, flattened.</param>
    /// <param name="pPos">Proportion p+ in [0, 1] of the positive mass to prune: the pruned positive entries sum to
    /// <c>&lt;= p+ * P</c>, so the kept positive mass is <c>&gt;= (1 - p+) * P</c>.</param>
    /// <param name="pNeg">Proportion p- in [0, 1] of the negative mass (by magnitude) to prune.</param>
    /// <param name="keep">Output, <c>r.Length</c> entries: <c>true</c> where the entry is kept.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/>(<c>r.Length</c>) floats; overwritten.</param>
    /// <returns>Kept counts and masses per sign.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A proportion is outside [0, 1] or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="keep"/> is not <c>r.Length</c> long, or the scratch is too short.</exception>
    public static SelectionResult SelectByMass(ReadOnlySpan<float> r, double pPos, double pNeg, Span<bool> keep, Span<float> scratch) =>
        SelectByMassCore(r, pPos, pNeg, keep, scratch, SelectionSearch.DefaultMaxRounds(r.Length));

    /// <summary><see cref="SelectByMass"/> with a partition round limit (tests force the sorting fallback with 0).</summary>
    internal static SelectionResult SelectByMassCore(ReadOnlySpan<float> r, double pPos, double pNeg, Span<bool> keep, Span<float> scratch, int maxRounds)
    {
        CheckProportion(pPos, nameof(pPos));
        CheckProportion(pNeg, nameof(pNeg));
        CheckBuffers(r.Length, keep.Length, scratch.Length);
        var work = scratch[..r.Length];
        var pos = CutSign(r, work, new SelectionFilters.Positive(), pPos, maxRounds, out double positiveMass);
        var neg = CutSign(r, work, new SelectionFilters.NegatedNegative(), pNeg, maxRounds, out double negativeMagnitude);
        var kept = SelectionMarking.MarkMass(r, pos, neg, keep);
        return kept with { PositiveMass = positiveMass, NegativeMass = -negativeMagnitude };
    }

    // One sign of mass mode: its entries (as magnitudes) copied to `work`, and the cut at p of their mass.
    static SelectionCut CutSign<TFilter>(ReadOnlySpan<float> r, Span<float> work, TFilter filter, double p, int maxRounds, out double mass)
        where TFilter : struct, ISelectionFilter
    {
        int count = SelectionKernels.Compact(r, work, filter, out mass);
        return SelectionSearch.MassCut(work[..count], mass, p, maxRounds);
    }

    /// <summary>The scratch (floats) of <see cref="SelectByMassOnBothThreads"/>: a region of <paramref name="n"/> per sign.</summary>
    internal static int BothSignsScratchLength(int n) => checked(2 * n);

    /// <summary>
    /// <see cref="SelectByMass"/> with each sign's copy and cut search on its own kernel thread, for points of at least
    /// <see cref="PassHalves.From"/> entries (smaller ones one sign after the other, as <see cref="SelectByMass"/> does).
    /// Each sign's search sees the same values in the same order as there, so the cuts, the marks and the masses are the
    /// same.
    /// </summary>
    internal static SelectionResult SelectByMassOnBothThreads(ReadOnlySpan<float> r, double pPos, double pNeg, Span<bool> keep, Span<float> scratch)
    {
        CheckBuffers(r.Length, keep.Length, scratch.Length / 2);
        var cuts = CutBothSigns(r, pPos, pNeg, scratch);
        var kept = SelectionMarking.MarkMass(r, cuts.Positive, cuts.Negative, keep);
        return kept with { PositiveMass = cuts.PositiveMass, NegativeMass = -cuts.NegativeMagnitude };
    }

    /// <summary>
    /// The two sign cuts of mass mode with their masses, without marking: each sign's copy and search on its own kernel
    /// thread from <see cref="PassHalves.From"/> entries on, else one after the other (the same cuts either way).
    /// </summary>
    internal static SignCuts CutBothSigns(ReadOnlySpan<float> r, double pPos, double pNeg, Span<float> scratch) =>
        CutBothSignsCore(r, pPos, pNeg, scratch, SelectionSearch.DefaultMaxRounds(r.Length));

    /// <summary><see cref="CutBothSigns"/> with a partition round limit (tests force the sorting fallback with 0).</summary>
    internal static SignCuts CutBothSignsCore(ReadOnlySpan<float> r, double pPos, double pNeg, Span<float> scratch, int maxRounds)
    {
        CheckProportion(pPos, nameof(pPos));
        CheckProportion(pNeg, nameof(pNeg));
        if (scratch.Length / 2 < r.Length)
            ThrowLength($"scratch has {scratch.Length} floats, want at least {BothSignsScratchLength(r.Length)}", "scratch");
        fixed (float* pr = r)
        fixed (float* pw = scratch)
        {
            var job = new SignJob { R = pr, Length = r.Length, Work = pw, PPos = pPos, PNeg = pNeg, MaxRounds = maxRounds };
            if (r.Length >= PassHalves.From)
                PassHalves.Run(&CutOneSign, &job);
            else
            {
                CutOneSign(&job, 0);
                CutOneSign(&job, 1);
            }
            return new SignCuts(job.Positive, job.Negative, job.PositiveMass, job.NegativeMagnitude);
        }
    }

    struct SignJob
    {
        public float* R, Work;
        public int Length, MaxRounds;
        public double PPos, PNeg, PositiveMass, NegativeMagnitude;
        public SelectionCut Positive, Negative;
    }

    // Side 0: the positive entries into the first region and their cut; side 1: the negated negatives into the second.
    static void CutOneSign(void* context, int side)
    {
        ref var j = ref *(SignJob*)context;
        var r = new ReadOnlySpan<float>(j.R, j.Length);
        var work = new Span<float>(j.Work + (long)side * j.Length, j.Length);
        if (side == 0)
            j.Positive = CutSign(r, work, new SelectionFilters.Positive(), j.PPos, j.MaxRounds, out j.PositiveMass);
        else
            j.Negative = CutSign(r, work, new SelectionFilters.NegatedNegative(), j.PNeg, j.MaxRounds, out j.NegativeMagnitude);
    }

    /// <summary>Top-k mode: keeps the <paramref name="k"/> entries of largest <c>|r|</c> (ties: lower flat index first).</summary>
    /// <param name="r">Relevance of one sample, flattened.</param>
    /// <param name="k">How many entries to keep, in [0, <c>r.Length</c>] (see <see cref="TopKCount"/> for a fraction).</param>
    /// <param name="keep">Output, <c>r.Length</c> entries: <c>true</c> where the entry is kept (exactly k are).</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/>(<c>r.Length</c>) floats; overwritten.</param>
    /// <returns>Kept counts and masses per sign (kept zeros count in neither).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative or above <c>r.Length</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keep"/> is not <c>r.Length</c> long, or the scratch is too short.</exception>
    public static SelectionResult SelectTopK(ReadOnlySpan<float> r, int k, Span<bool> keep, Span<float> scratch) =>
        SelectTopKCore(r, k, keep, scratch, SelectionSearch.DefaultMaxRounds(r.Length));

    /// <summary><see cref="SelectTopK"/> with a partition round limit (tests force the sorting fallback with 0).</summary>
    internal static SelectionResult SelectTopKCore(ReadOnlySpan<float> r, int k, Span<bool> keep, Span<float> scratch, int maxRounds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, r.Length);
        CheckBuffers(r.Length, keep.Length, scratch.Length);
        var work = scratch[..r.Length];
        SelectionKernels.CopyMagnitudes(r, work, out double positiveMass, out double negativeMass);
        var cut = k == 0 ? SelectionCut.KeepNone
            : k == r.Length ? SelectionCut.KeepAll
            : SelectionSearch.RankCut(work, r.Length - k, maxRounds);
        var kept = SelectionMarking.MarkTopK(r, cut, keep);
        return kept with { PositiveMass = positiveMass, NegativeMass = negativeMass };
    }

    /// <summary>
    /// The k for keeping a <paramref name="fraction"/> of <paramref name="n"/> entries: <c>round(fraction * n)</c>, with
    /// halves rounded up (away from zero), so the result is in [0, n].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative, or <paramref name="fraction"/> is outside [0, 1] or NaN.</exception>
    public static int TopKCount(int n, double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        CheckProportion(fraction, nameof(fraction));
        return (int)Math.Min(n, Math.Round(fraction * n, MidpointRounding.AwayFromZero));
    }

    static void CheckProportion(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
            ThrowProportion(p, name);
    }

    static void CheckBuffers(int n, int keepLength, int scratchLength)
    {
        if (keepLength != n)
            ThrowLength($"keep has {keepLength} entries, want {n} (one per relevance entry)", "keep");
        if (scratchLength < n)
            ThrowLength($"scratch has {scratchLength} floats, want at least {n}", "scratch");
    }

    [DoesNotReturn]
    static void ThrowProportion(double p, string name) =>
        throw new ArgumentOutOfRangeException(name, p, "proportion must be in [0, 1]");

    [DoesNotReturn]
    static void ThrowLength(string message, string name) => throw new ArgumentException(message, name);
}
