namespace PrunedLrp.Kernels;

/// <summary>Writes an operator's weights (e.g. a rule's modified copy of a layer's) into <paramref name="destination"/>,
/// so that the operator can pack them from a pooled buffer instead of keeping a raw copy.</summary>
internal delegate void WeightWriter(Span<float> destination);
