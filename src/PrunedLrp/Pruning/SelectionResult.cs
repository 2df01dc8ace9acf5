namespace PrunedLrp.Pruning;

/// <summary>
/// What a <see cref="RelevanceSelection"/> call kept, per sign. All masses are sums in double precision.
/// </summary>
/// <param name="KeptPositive">Kept entries with <c>r &gt; 0</c>.</param>
/// <param name="KeptNegative">Kept entries with <c>r &lt; 0</c>.</param>
/// <param name="PositiveMass"><c>sum_{r_i &gt; 0} r_i</c> (&gt;= 0): the mass before pruning.</param>
/// <param name="KeptPositiveMass"><c>sum_{i kept, r_i &gt; 0} r_i</c> (&gt;= 0).</param>
/// <param name="NegativeMass"><c>sum_{r_i &lt; 0} r_i</c>, a negative number (or 0): the signed sum, not its magnitude.</param>
/// <param name="KeptNegativeMass"><c>sum_{i kept, r_i &lt; 0} r_i</c>, a negative number (or 0).</param>
/// <remarks>
/// The PLRP-λ scales follow directly: <c>λ+ = PositiveMass / KeptPositiveMass</c> and
/// <c>λ- = NegativeMass / KeptNegativeMass</c> (both signed sums, so λ- is positive), defined when something of that
/// sign is kept. Entries with <c>r = 0</c> (and NaN) belong to neither sign and are not counted here, even when
/// top-k keeps them.
/// </remarks>
public readonly record struct SelectionResult(
    int KeptPositive,
    int KeptNegative,
    double PositiveMass,
    double KeptPositiveMass,
    double NegativeMass,
    double KeptNegativeMass);
