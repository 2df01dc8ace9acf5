namespace PrunedLrp.Pruning;

/// <summary>
/// PLRP-λ at one pruning point of one sample in mass mode: select, then scale the kept entries of each sign by
/// <c>λ+ = P / P_kept</c> and <c>λ- = N / N_kept</c> (P, N: the sign's mass before pruning), so that each sign's sum,
/// and so <c>sum(r)</c>, is unchanged; pruned entries become 0.
/// </summary>
/// <remarks>
/// The cut search already adds up what it prunes (<see cref="SelectionCut.PrunedMass"/>), so
/// <c>P_kept = P - P_pruned</c> gives λ before any marking, and one pass marks and scales
/// (<see cref="SelectionMarking.MarkAndScale"/>). The subtraction cancels when the kept mass is a tiny share of the
/// sign's mass (p near 1); below <see cref="CutMassShare"/> the kept masses are summed by a marking pass instead, and a
/// second pass scales.
/// </remarks>
internal static class LambdaPruning
{
    /// <summary>
    /// The least kept share of a sign's mass for which <c>P - P_pruned</c> gives λ. Each sum is exact to about
    /// <c>n * 2^-53</c> of P, so at this share λ is good to about <c>n * 1e-13</c> relative, below float rounding for
    /// pruning points of up to a few million entries.
    /// </summary>
    internal const double CutMassShare = 1e-3;

    /// <summary>Prunes <paramref name="r"/> in place and reports it as node <paramref name="node"/>, sample
    /// <paramref name="sample"/>. <paramref name="keep"/> (r.Length) and <paramref name="scratch"/>
    /// (<see cref="RelevanceSelection.BothSignsScratchLength"/>) are work space.</summary>
    internal static PruningPointReport ByMass(int node, int sample, Span<float> r, double pPos, double pNeg, Span<bool> keep, Span<float> scratch) =>
        ByMassCore(node, sample, r, pPos, pNeg, keep, scratch, SelectionSearch.DefaultMaxRounds(r.Length));

    /// <summary><see cref="ByMass"/> with a partition round limit (tests force the sorting fallback with 0).</summary>
    internal static PruningPointReport ByMassCore(int node, int sample, Span<float> r, double pPos, double pNeg, Span<bool> keep, Span<float> scratch, int maxRounds)
    {
        if (keep.Length != r.Length)
            throw new ArgumentException($"keep has {keep.Length} entries, want {r.Length} (one per relevance entry)", nameof(keep));
        var cuts = RelevanceSelection.CutBothSignsCore(r, pPos, pNeg, scratch, maxRounds);
        double positive = cuts.PositiveMass, negative = -cuts.NegativeMagnitude;
        double prunedPositive = cuts.Positive.PrunedMass, prunedNegative = -cuts.Negative.PrunedMass;
        if (Resolved(positive, prunedPositive) && Resolved(negative, prunedNegative))
        {
            double lambdaPos = Lambda(positive, positive - prunedPositive), lambdaNeg = Lambda(negative, negative - prunedNegative);
            var marks = SelectionMarking.MarkAndScale(r, cuts.Positive, cuts.Negative, (float)lambdaPos, (float)lambdaNeg);
            return new PruningPointReport(node, sample, r.Length, marks.KeptPositive + marks.KeptNegative, positive, negative,
                prunedPositive, prunedNegative, lambdaPos, lambdaNeg, marks.SawNaN ? double.NaN : positive + negative, marks.SumAfter);
        }
        var sel = SelectionMarking.MarkMass(r, cuts.Positive, cuts.Negative, keep);
        double before = PruningPasses.Sum(r);
        double lambdaP = Lambda(positive, sel.KeptPositiveMass), lambdaN = Lambda(negative, sel.KeptNegativeMass);
        double after = PruningPasses.ScaleKept(r, keep, (float)lambdaP, (float)lambdaN);
        return new PruningPointReport(node, sample, r.Length, sel.KeptPositive + sel.KeptNegative, positive, negative,
            positive - sel.KeptPositiveMass, negative - sel.KeptNegativeMass, lambdaP, lambdaN, before, after);
    }

    /// <summary>λ = mass / kept mass, or 0 when nothing of that sign is kept.</summary>
    internal static double Lambda(double mass, double kept) => kept != 0 ? mass / kept : 0;

    // Whether mass - pruned is exact enough to give λ (same sign for both signs: a signed mass and its pruned part).
    static bool Resolved(double mass, double pruned) => Math.Abs(mass - pruned) >= CutMassShare * Math.Abs(mass);
}
