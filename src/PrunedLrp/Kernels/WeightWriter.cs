namespace PrunedLrp.Kernels;

/// <summary>Writes an operator's weights (e.g. a rule's modified copy of a layer's) into <paramref name="destination"/>,
/// so that the operator can pack them from a buffer it frees instead of keeping a raw copy.</summary>
internal delegate void WeightWriter(Span<float> destination);
