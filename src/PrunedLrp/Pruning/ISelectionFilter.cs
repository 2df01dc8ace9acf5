using System.Runtime.Intrinsics;

namespace PrunedLrp.Pruning;

/// <summary>
/// Which entries a compaction pass keeps and what it writes for them (see <see cref="SelectionKernels.Compact"/>).
/// Implemented by small structs so that the JIT specializes the pass for each filter.
/// </summary>
internal interface ISelectionFilter
{
    /// <summary>Vector form: returns the values to write; <paramref name="keep"/> is all-ones in kept lanes.</summary>
    Vector256<float> Apply(Vector256<float> x, out Vector256<float> keep);

    /// <summary>Scalar form: whether <paramref name="x"/> is kept, and the value to write for it.</summary>
    bool Apply(float x, out float value);
}
