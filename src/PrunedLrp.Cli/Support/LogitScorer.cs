using PrunedLrp.Metrics;

namespace PrunedLrp.Cli;

/// <summary>The target logit of one sample, for perturbation curves.</summary>
internal readonly struct LogitScorer(Predictor predictor, int target, float[] logits) : IScorer
{
    public float Score(ReadOnlySpan<float> x)
    {
        predictor.Predict(x, logits);
        return logits[target];
    }
}
