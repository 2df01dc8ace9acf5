using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Pruning;

/// <summary>
/// The final pass of <see cref="RelevanceSelection"/>: marks <c>keep</c> from a <see cref="SelectionCut"/> and tallies
/// what is kept. Blocks of 8 without an entry equal to a threshold are decided with Vector256 compares and written as
/// 8 bools at once; a block with such a tie goes lane by lane, because ties are decided by flat index (how many equal
/// entries came before). The scalar forms are the fallback and the tests' twins.
/// </summary>
internal static unsafe partial class SelectionMarking
{
    const int W = 8; // Vector256<float>.Count

    /// <summary>
    /// Mass-mode marking: <c>keep[i]</c> for <c>r &gt; t+</c>, or <c>r == t+</c> after the first <c>pos.Ties</c> such
    /// entries; likewise <c>r &lt; -t-</c>, or <c>r == -t-</c> after the first <c>neg.Ties</c>. Zeros and NaN are never
    /// kept. Returns the kept counts and masses (the totals are left 0 for the caller). Large inputs whose tied entries
    /// all go one way are marked in two halves on the kernel threads (<see cref="PassHalves"/>).
    /// </summary>
    internal static SelectionResult MarkMass(ReadOnlySpan<float> r, SelectionCut pos, SelectionCut neg, Span<bool> keep)
        => r.Length >= PassHalves.From && OrderFree(pos) && OrderFree(neg) ? MarkMassHalves(r, pos, neg, keep) : MarkMassWhole(r, pos, neg, keep);

    // Tied entries all go one way when Ties is 0 (every tie kept) or int.MaxValue (every tie pruned): no entry's fate
    // then depends on the ties before it, so the two halves can be marked apart. Other counts need the one ordered pass.
    static bool OrderFree(SelectionCut cut) => cut.Ties is 0 or int.MaxValue;

    static SelectionResult MarkMassHalves(ReadOnlySpan<float> r, SelectionCut pos, SelectionCut neg, Span<bool> keep)
    {
        fixed (float* pr = r)
        fixed (bool* pk = keep)
        {
            var (a, b) = PassHalves.Halves<MarkPass, SelectionResult>(r.Length, new MarkPass { R = pr, Keep = pk, Pos = pos, Neg = neg });
            return new SelectionResult(a.KeptPositive + b.KeptPositive, a.KeptNegative + b.KeptNegative, 0,
                a.KeptPositiveMass + b.KeptPositiveMass, 0, a.KeptNegativeMass + b.KeptNegativeMass);
        }
    }

    struct MarkPass : IRangePass<SelectionResult>
    {
        public float* R;
        public bool* Keep;
        public SelectionCut Pos, Neg;

        public readonly SelectionResult Run(int start, int end) =>
            MarkMassWhole(new ReadOnlySpan<float>(R + start, end - start), Pos, Neg, new Span<bool>(Keep + start, end - start));
    }

    // The vectorized marking of one range (the whole input, or one half of an order-free one).
    static SelectionResult MarkMassWhole(ReadOnlySpan<float> r, SelectionCut pos, SelectionCut neg, Span<bool> keep)
    {
        var state = default(MarkState);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            while (r.Length - i >= W)
            {
                i = MarkMassRun(r, i, pos.Threshold, neg.Threshold, keep, ref state);
                if (r.Length - i < W)
                    break;
                // Ties are decided by flat index, so this block goes lane by lane, in order.
                MarkMassRange(r, i, i + W, pos, neg, keep, ref state);
                i += W;
            }
        }
        MarkMassRange(r, i, r.Length, pos, neg, keep, ref state);
        return state.ToResult();
    }

    // Marks whole blocks from `start` until one holds an entry equal to a threshold (or fewer than W entries are left)
    // and returns where it stopped. As in ScaleRun, the lane-by-lane call stays out of this loop, which otherwise kept
    // its running sums on the stack.
    static int MarkMassRun(ReadOnlySpan<float> r, int start, float positiveThreshold, float negativeThreshold, Span<bool> keep, ref MarkState state)
    {
        ref float r0 = ref MemoryMarshal.GetReference(r);
        ref byte k0 = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(keep));
        ref ulong spread = ref MemoryMarshal.GetArrayDataReference(SelectionTables.SpreadBits);
        var tp = Vector256.Create(positiveThreshold);
        var tn = Vector256.Create(-negativeThreshold);
        var dtp = Vector256.Create((double)positiveThreshold);
        var dtn = Vector256.Create(-(double)negativeThreshold);
        var countPos = Vector256<int>.Zero;
        var countNeg = Vector256<int>.Zero;
        var pos0 = Vector256<double>.Zero;
        var pos1 = Vector256<double>.Zero;
        var neg0 = Vector256<double>.Zero;
        var neg1 = Vector256<double>.Zero;
        int i = start;
        for (; i <= r.Length - W; i += W)
        {
            var x = Vector256.LoadUnsafe(ref r0, (nuint)i);
            if (Vector256.EqualsAny(x, tp) || Vector256.EqualsAny(x, tn))
                break;
            var gt = Vector256.GreaterThan(x, tp);
            var lt = Vector256.LessThan(x, tn);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref k0, i), Unsafe.Add(ref spread, (gt | lt).ExtractMostSignificantBits()));
            countPos -= gt.AsInt32();
            countNeg -= lt.AsInt32();
            // One widening, masks in double (equal to the float compares): the conversions bound this pass.
            var (x0, x1) = Vector256.Widen(x);
            pos0 += x0 & Vector256.GreaterThan(x0, dtp);
            pos1 += x1 & Vector256.GreaterThan(x1, dtp);
            neg0 += x0 & Vector256.LessThan(x0, dtn);
            neg1 += x1 & Vector256.LessThan(x1, dtn);
        }
        state.AddRun(countPos, countNeg, pos0 + pos1, neg0 + neg1);
        return i;
    }

    /// <summary>Scalar form of <see cref="MarkMass"/>.</summary>
    internal static SelectionResult MarkMassScalar(ReadOnlySpan<float> r, SelectionCut pos, SelectionCut neg, Span<bool> keep)
    {
        var state = default(MarkState);
        MarkMassRange(r, 0, r.Length, pos, neg, keep, ref state);
        return state.ToResult();
    }

    static void MarkMassRange(ReadOnlySpan<float> r, int start, int end, SelectionCut pos, SelectionCut neg, Span<bool> keep, ref MarkState state)
    {
        for (int i = start; i < end; i++)
        {
            float x = r[i];
            bool kept = KeepsByMass(x, pos, neg, ref state);
            if (kept && x > 0f)
                state.PositiveSum += x;
            else if (kept)
                state.NegativeSum += x;
            keep[i] = kept;
        }
    }

    /// <summary>Mass mode's decision for one entry, in flat order: counts the ties seen so far and the kept entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool KeepsByMass(float x, SelectionCut pos, SelectionCut neg, ref MarkState state)
    {
        if (x > 0f)
        {
            bool kept = x > pos.Threshold || (x == pos.Threshold && state.PositiveTies++ >= pos.Ties);
            state.KeptPositive += kept ? 1 : 0;
            return kept;
        }
        if (x < 0f)
        {
            bool kept = x < -neg.Threshold || (x == -neg.Threshold && state.NegativeTies++ >= neg.Ties);
            state.KeptNegative += kept ? 1 : 0;
            return kept;
        }
        return false;
    }

    /// <summary>
    /// Top-k marking on <c>a = |r|</c> (NaN read as 0): <c>keep[i]</c> for <c>a &gt; t</c>, or <c>a == t</c> among the
    /// first <c>cut.Ties</c> such entries. Returns the kept counts and masses (the totals are left 0 for the caller).
    /// </summary>
    internal static SelectionResult MarkTopK(ReadOnlySpan<float> r, SelectionCut cut, Span<bool> keep)
    {
        var state = default(MarkState);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            while (r.Length - i >= W)
            {
                i = MarkTopKRun(r, i, cut.Threshold, keep, ref state);
                if (r.Length - i < W)
                    break;
                MarkTopKRange(r, i, i + W, cut, keep, ref state); // a tie with the threshold: in order
                i += W;
            }
        }
        MarkTopKRange(r, i, r.Length, cut, keep, ref state);
        return state.ToResult();
    }

    // MarkTopK's whole blocks from `start` until one holds a magnitude equal to the threshold (see MarkMassRun).
    static int MarkTopKRun(ReadOnlySpan<float> r, int start, float threshold, Span<bool> keep, ref MarkState state)
    {
        ref float r0 = ref MemoryMarshal.GetReference(r);
        ref byte k0 = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(keep));
        ref ulong spread = ref MemoryMarshal.GetArrayDataReference(SelectionTables.SpreadBits);
        var t = Vector256.Create(threshold);
        var countPos = Vector256<int>.Zero;
        var countNeg = Vector256<int>.Zero;
        var pos0 = Vector256<double>.Zero;
        var pos1 = Vector256<double>.Zero;
        var neg0 = Vector256<double>.Zero;
        var neg1 = Vector256<double>.Zero;
        int i = start;
        for (; i <= r.Length - W; i += W)
        {
            var x = Vector256.LoadUnsafe(ref r0, (nuint)i);
            var a = Vector256.Abs(x) & Vector256.Equals(x, x);
            if (Vector256.EqualsAny(a, t))
                break;
            var gt = Vector256.GreaterThan(a, t);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref k0, i), Unsafe.Add(ref spread, gt.ExtractMostSignificantBits()));
            var p = gt & Vector256.GreaterThan(x, Vector256<float>.Zero);
            var n = gt & Vector256.LessThan(x, Vector256<float>.Zero);
            countPos -= p.AsInt32();
            countNeg -= n.AsInt32();
            var xp = x & p;
            var xn = x & n;
            pos0 += Vector256.WidenLower(xp);
            pos1 += Vector256.WidenUpper(xp);
            neg0 += Vector256.WidenLower(xn);
            neg1 += Vector256.WidenUpper(xn);
        }
        state.AddRun(countPos, countNeg, pos0 + pos1, neg0 + neg1);
        return i;
    }

    /// <summary>Scalar form of <see cref="MarkTopK"/>.</summary>
    internal static SelectionResult MarkTopKScalar(ReadOnlySpan<float> r, SelectionCut cut, Span<bool> keep)
    {
        var state = default(MarkState);
        MarkTopKRange(r, 0, r.Length, cut, keep, ref state);
        return state.ToResult();
    }

    static void MarkTopKRange(ReadOnlySpan<float> r, int start, int end, SelectionCut cut, Span<bool> keep, ref MarkState state)
    {
        float t = cut.Threshold;
        for (int i = start; i < end; i++)
        {
            float x = r[i];
            float a = SelectionKernels.MagnitudeKey(x);
            bool kept = a > t || (a == t && state.MagnitudeTies++ < cut.Ties);
            if (kept && x > 0f)
            {
                state.KeptPositive++;
                state.PositiveSum += x;
            }
            else if (kept && x < 0f)
            {
                state.KeptNegative++;
                state.NegativeSum += x;
            }
            keep[i] = kept;
        }
    }

    /// <summary>Running tallies of a marking pass (ties seen so far decide which tied entries are kept).</summary>
    struct MarkState
    {
        public int PositiveTies, NegativeTies, MagnitudeTies, KeptPositive, KeptNegative;
        public double PositiveSum, NegativeSum, SumAfter;
        public bool SawNaN;

        public readonly SelectionResult ToResult() => new(KeptPositive, KeptNegative, 0, PositiveSum, 0, NegativeSum);

        // A vector run's tallies, lane sums folded in once the run ends (the runs keep their own accumulators as locals,
        // so that they stay in registers).
        public void AddRun(Vector256<int> keptPositive, Vector256<int> keptNegative, Vector256<double> positiveSum, Vector256<double> negativeSum)
        {
            KeptPositive += Vector256.Sum(keptPositive);
            KeptNegative += Vector256.Sum(keptNegative);
            PositiveSum += Vector256.Sum(positiveSum);
            NegativeSum += Vector256.Sum(negativeSum);
        }
    }
}
