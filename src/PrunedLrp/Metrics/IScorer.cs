namespace PrunedLrp.Metrics;

/// <summary>
/// The model output a perturbation curve tracks: typically the target logit of the network for one input sample.
/// Implement it as a struct to let <see cref="RegionPerturbation"/> call it without boxing or virtual dispatch.
/// </summary>
public interface IScorer
{
    /// <summary>The score of input <paramref name="x"/> (same layout as the explained input).</summary>
    float Score(ReadOnlySpan<float> x);
}
