using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Pruning;

internal static unsafe partial class SelectionMarking
{
    /// <summary>
    /// PLRP-λ's marking and scaling in one pass over <c>r</c>, for when λ± are known from the cuts' pruned masses:
    /// <c>r[i] = kept ? r[i] * (r[i] &gt; 0 ? lambdaPos : lambdaNeg) : 0</c>, with "kept" decided exactly as
    /// <see cref="MarkMass"/> decides it. No keep flags are written. Returns the kept counts, whether <c>r</c> held a
    /// NaN, and <c>sum(r)</c> after (double). Order-free cuts on large inputs run as two halves on the kernel threads.
    /// </summary>
    /// <remarks>Against <see cref="MarkMass"/> then <see cref="PruningPasses.ScaleKept"/> this saves one read of
    /// <c>r</c>, the flags' write and read, and the report's separate sum of <c>r</c> (the caller has it from the two
    /// signs' masses, which is why the NaN flag is returned).</remarks>
    internal static ScaledMarks MarkAndScale(Span<float> r, SelectionCut pos, SelectionCut neg, float lambdaPos, float lambdaNeg)
    {
        if (r.Length < PassHalves.From || !OrderFree(pos) || !OrderFree(neg))
            return MarkAndScaleWhole(r, pos, neg, lambdaPos, lambdaNeg);
        fixed (float* pr = r)
        {
            var (a, b) = PassHalves.Halves<MarkScalePass, ScaledMarks>(r.Length,
                new MarkScalePass { R = pr, Pos = pos, Neg = neg, LambdaPos = lambdaPos, LambdaNeg = lambdaNeg });
            return new ScaledMarks(a.KeptPositive + b.KeptPositive, a.KeptNegative + b.KeptNegative,
                a.SawNaN || b.SawNaN, a.SumAfter + b.SumAfter);
        }
    }

    struct MarkScalePass : IRangePass<ScaledMarks>
    {
        public float* R;
        public SelectionCut Pos, Neg;
        public float LambdaPos, LambdaNeg;

        public readonly ScaledMarks Run(int start, int end) =>
            MarkAndScaleWhole(new Span<float>(R + start, end - start), Pos, Neg, LambdaPos, LambdaNeg);
    }

    // The vectorized pass over one range; a block holding an entry equal to a threshold goes lane by lane, in order.
    static ScaledMarks MarkAndScaleWhole(Span<float> r, SelectionCut pos, SelectionCut neg, float lambdaPos, float lambdaNeg)
    {
        var state = default(MarkState);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            while (r.Length - i >= W)
            {
                i = ScaleRun(r, i, pos.Threshold, neg.Threshold, lambdaPos, lambdaNeg, ref state);
                if (r.Length - i < W)
                    break;
                MarkAndScaleRange(r, i, i + W, pos, neg, lambdaPos, lambdaNeg, ref state);
                i += W;
            }
        }
        MarkAndScaleRange(r, i, r.Length, pos, neg, lambdaPos, lambdaNeg, ref state);
        return new ScaledMarks(state.KeptPositive, state.KeptNegative, state.SawNaN, state.SumAfter);
    }

    // Marks and scales whole blocks from `start` until one holds an entry equal to a threshold (or fewer than W entries
    // are left) and returns where it stopped. The lane-by-lane call stays out of this loop: with it inside, the compiler
    // kept the running sums on the stack, and each block waited on their store and reload.
    static int ScaleRun(Span<float> r, int start, float positiveThreshold, float negativeThreshold, float lambdaPos, float lambdaNeg, ref MarkState state)
    {
        ref float r0 = ref MemoryMarshal.GetReference(r);
        var tp = Vector256.Create(positiveThreshold);
        var tn = Vector256.Create(-negativeThreshold);
        var lp = Vector256.Create(lambdaPos);
        var ln = Vector256.Create(lambdaNeg);
        var countPos = Vector256<int>.Zero;
        var countNeg = Vector256<int>.Zero;
        var nan = Vector256<float>.Zero;
        var after0 = Vector256<double>.Zero;
        var after1 = Vector256<double>.Zero;
        int i = start;
        for (; i <= r.Length - W; i += W)
        {
            var x = Vector256.LoadUnsafe(ref r0, (nuint)i);
            // Either threshold in any lane (the two masks or'ed, one test): that block must go lane by lane.
            if ((Vector256.Equals(x, tp) | Vector256.Equals(x, tn)) != Vector256<float>.Zero)
                break;
            var gt = Vector256.GreaterThan(x, tp);
            var lt = Vector256.LessThan(x, tn);
            var y = x * Vector256.ConditionalSelect(gt, lp, ln) & (gt | lt);
            y.StoreUnsafe(ref r0, (nuint)i);
            countPos -= gt.AsInt32();
            countNeg -= lt.AsInt32();
            nan |= ~Vector256.Equals(x, x);
            var (y0, y1) = Vector256.Widen(y);
            after0 += y0;
            after1 += y1;
        }
        state.KeptPositive += Vector256.Sum(countPos);
        state.KeptNegative += Vector256.Sum(countNeg);
        state.SawNaN |= nan != Vector256<float>.Zero;
        state.SumAfter += Vector256.Sum(after0 + after1);
        return i;
    }

    static void MarkAndScaleRange(Span<float> r, int start, int end, SelectionCut pos, SelectionCut neg, float lambdaPos, float lambdaNeg, ref MarkState state)
    {
        for (int i = start; i < end; i++)
        {
            float x = r[i];
            float y = KeepsByMass(x, pos, neg, ref state) ? x * (x > 0f ? lambdaPos : lambdaNeg) : 0f;
            state.SawNaN |= float.IsNaN(x);
            state.SumAfter += y;
            r[i] = y;
        }
    }
}
