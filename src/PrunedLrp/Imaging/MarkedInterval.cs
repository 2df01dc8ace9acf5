namespace PrunedLrp.Imaging;

/// <summary>A half-open interval of sequence positions [Start, End), 0-based, e.g. an inserted motif.</summary>
/// <param name="Start">First position (0-based, inclusive).</param>
/// <param name="End">One past the last position.</param>
public readonly record struct MarkedInterval(int Start, int End);
