using System.Buffers;

namespace PrunedLrp.Metrics;

/// <summary>
/// Faithfulness by region perturbation / pixel flipping (Samek et al. 2017), most relevant first (MoRF).
/// </summary>
/// <remarks>
/// <para><b>Features.</b> The input is viewed as [C, P] (channel-first): with <c>channelsPerFeature = C</c>, feature p is
/// the C elements <c>x[c * P + p]</c> (stride P = positions), and its relevance is <c>sum_c R[c * P + p]</c>. So
/// C = 1 makes every input element a feature; C = 4 on one-hot DNA [4, L] makes a feature one sequence position (all four
/// bases replaced at once, with the uniform baseline 0.25); C = channels on an image [C, H, W] makes a feature one pixel.</para>
/// <para><b>Order.</b> Features are perturbed by decreasing relevance (signed), ties by lower position first.</para>
/// <para><b>Curve.</b> <c>curve[0] = f(x)</c>; step k = 1..K (K = curve.Length - 1) replaces the next
/// <c>featuresPerStep</c> features in that order by the baseline (cumulatively) and records <c>curve[k] = f(x_k)</c>.
/// Once every feature is replaced, later steps record the fully perturbed score again.</para>
/// <para><b>AOPC</b> (area over the perturbation curve): <c>AOPC = (1/K) sum_{k=1..K} (f_0 - f_k)</c>, the mean over the
/// steps after the unperturbed one; higher = more faithful.</para>
/// </remarks>
public static class RegionPerturbation
{
    /// <summary>Computes the MoRF curve with a per-element <paramref name="baseline"/> (same length as the input).</summary>
    /// <param name="input">The explained input, [C, P] flattened.</param>
    /// <param name="relevance">Its relevance, same layout.</param>
    /// <param name="baseline">The value each element takes once its feature is perturbed.</param>
    /// <param name="channelsPerFeature">C: how many channels one feature spans (1 = every element is a feature).</param>
    /// <param name="featuresPerStep">Features replaced per step (s &gt;= 1).</param>
    /// <param name="scorer">The model score, called K + 1 times.</param>
    /// <param name="curve">Receives f_0..f_K; its length sets the number of steps K.</param>
    /// <param name="work">Scratch for the perturbed input (at least the input length).</param>
    /// <param name="order">Scratch for the feature order (at least P = input length / C).</param>
    public static void MorfCurve<TScorer>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> relevance, ReadOnlySpan<float> baseline,
        int channelsPerFeature, int featuresPerStep, TScorer scorer,
        Span<float> curve, Span<float> work, Span<ulong> order)
        where TScorer : IScorer
    {
        if (baseline.Length != input.Length)
            throw new ArgumentException($"baseline has {baseline.Length} values, input {input.Length}", nameof(baseline));
        Run(input, relevance, baseline, 0f, channelsPerFeature, featuresPerStep, scorer, curve, work, order);
    }

    /// <summary>Computes the MoRF curve replacing perturbed elements by the constant <paramref name="baseline"/>
    /// (0, or 0.25 for one-hot DNA); the other parameters as in the per-element overload.</summary>
    public static void MorfCurve<TScorer>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> relevance, float baseline,
        int channelsPerFeature, int featuresPerStep, TScorer scorer,
        Span<float> curve, Span<float> work, Span<ulong> order)
        where TScorer : IScorer =>
        Run(input, relevance, default, baseline, channelsPerFeature, featuresPerStep, scorer, curve, work, order);

    /// <summary>As the constant-baseline overload, with scratch from the shared array pool.</summary>
    public static void MorfCurve<TScorer>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> relevance, float baseline,
        int channelsPerFeature, int featuresPerStep, TScorer scorer, Span<float> curve)
        where TScorer : IScorer
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channelsPerFeature);
        var work = ArrayPool<float>.Shared.Rent(input.Length);
        var order = ArrayPool<ulong>.Shared.Rent(input.Length / channelsPerFeature);
        try
        {
            Run(input, relevance, default, baseline, channelsPerFeature, featuresPerStep, scorer, curve, work, order);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(order);
            ArrayPool<float>.Shared.Return(work);
        }
    }

    /// <summary>As the pooled constant-baseline overload, with the score given as a delegate (e.g. a lambda around a model).</summary>
    public static void MorfCurve(
        ReadOnlySpan<float> input, ReadOnlySpan<float> relevance, float baseline,
        int channelsPerFeature, int featuresPerStep, Func<ReadOnlySpan<float>, float> score, Span<float> curve)
    {
        ArgumentNullException.ThrowIfNull(score);
        MorfCurve(input, relevance, baseline, channelsPerFeature, featuresPerStep, new DelegateScorer(score), curve);
    }

    readonly struct DelegateScorer(Func<ReadOnlySpan<float>, float> score) : IScorer
    {
        public float Score(ReadOnlySpan<float> x) => score(x);
    }

    /// <summary><c>AOPC = (1/K) sum_{k=1..K} (curve[0] - curve[k])</c> with K = curve.Length - 1 (at least one step).</summary>
    public static double Aopc(ReadOnlySpan<float> curve)
    {
        if (curve.Length < 2)
            throw new ArgumentException("an AOPC needs the unperturbed score and at least one step", nameof(curve));
        double sum = 0;
        for (int k = 1; k < curve.Length; k++)
            sum += (double)curve[0] - curve[k];
        return sum / (curve.Length - 1);
    }

    static void Run<TScorer>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> relevance, ReadOnlySpan<float> baselineSpan, float baselineValue,
        int channelsPerFeature, int featuresPerStep, TScorer scorer,
        Span<float> curve, Span<float> work, Span<ulong> order)
        where TScorer : IScorer
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channelsPerFeature);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featuresPerStep);
        if (relevance.Length != input.Length)
            throw new ArgumentException($"relevance has {relevance.Length} values, input {input.Length}", nameof(relevance));
        if (input.Length % channelsPerFeature != 0)
            throw new ArgumentException($"input length {input.Length} is not a multiple of {channelsPerFeature} channels", nameof(input));
        if (curve.IsEmpty)
            throw new ArgumentException("curve needs room for at least the unperturbed score", nameof(curve));
        int positions = input.Length / channelsPerFeature;
        if (work.Length < input.Length)
            throw new ArgumentException($"work has {work.Length} entries, want {input.Length}", nameof(work));
        if (order.Length < positions)
            throw new ArgumentException($"order has {order.Length} entries, want {positions}", nameof(order));
        var x = work[..input.Length];
        var keys = order[..positions];
        bool perElementBaseline = !baselineSpan.IsEmpty || input.IsEmpty;

        // feature relevance into x temporarily (x is overwritten with the input right after), then order it
        var featureRelevance = x[..positions];
        relevance[..positions].CopyTo(featureRelevance);
        for (int c = 1; c < channelsPerFeature; c++)
        {
            var row = relevance.Slice(c * positions, positions);
            for (int p = 0; p < positions; p++)
                featureRelevance[p] += row[p];
        }
        DescendingOrder.Sort(featureRelevance, keys);
        input.CopyTo(x);

        curve[0] = scorer.Score(x);
        int next = 0;
        for (int k = 1; k < curve.Length; k++)
        {
            int end = Math.Min(positions, next + featuresPerStep);
            for (; next < end; next++)
            {
                int p = DescendingOrder.Index(keys[next]);
                for (int c = 0; c < channelsPerFeature; c++)
                {
                    int e = c * positions + p;
                    x[e] = perElementBaseline ? baselineSpan[e] : baselineValue;
                }
            }
            curve[k] = scorer.Score(x);
        }
    }
}
