namespace PrunedLrp.Pruning;

/// <summary>Mass mode's two cuts, before marking, with each sign's mass (double sums).</summary>
/// <param name="Positive">The cut of the positive entries.</param>
/// <param name="Negative">The cut of the negative entries, on magnitudes.</param>
/// <param name="PositiveMass"><c>sum_{r_i &gt; 0} r_i</c>.</param>
/// <param name="NegativeMagnitude"><c>sum_{r_i &lt; 0} |r_i|</c>.</param>
internal readonly record struct SignCuts(SelectionCut Positive, SelectionCut Negative, double PositiveMass, double NegativeMagnitude);
