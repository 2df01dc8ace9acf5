namespace PrunedLrp.Pruning;

/// <summary>What <see cref="SelectionMarking.MarkAndScale"/> did to one pruning point.</summary>
/// <param name="KeptPositive">Kept entries with <c>r &gt; 0</c>.</param>
/// <param name="KeptNegative">Kept entries with <c>r &lt; 0</c>.</param>
/// <param name="SawNaN">Whether <c>r</c> held a NaN before the pass (it became 0).</param>
/// <param name="SumAfter"><c>sum(r)</c> after the pass (double).</param>
internal readonly record struct ScaledMarks(int KeptPositive, int KeptNegative, bool SawNaN, double SumAfter);
