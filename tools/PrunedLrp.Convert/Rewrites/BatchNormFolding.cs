using PrunedLrp.Graph;

namespace PrunedLrp.Convert.Rewrites;

/// <summary>
/// BatchNormalization in inference form is a per-channel affine map <c>y = x * s + t</c> with
/// <c>s = gamma / sqrt(var + eps)</c> and <c>t = beta - mean * s</c>. When it directly follows a Conv or Dense whose
/// output nothing else reads, it is folded into that layer: <c>w'[o, ...] = w[o, ...] * s[o]</c>,
/// <c>b'[o] = (b[o] - mean[o]) * s[o] + beta[o] = b[o] * s[o] + t[o]</c>; otherwise it stays as an Affine node.
/// Arithmetic is done in double and rounded once.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>Scale s and shift t of the affine map, per channel.</summary>
    public static (float[] Scale, float[] Shift) ScaleShift(ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double epsilon, string where)
    {
        int c = gamma.Length;
        if (beta.Length != c || mean.Length != c || variance.Length != c)
            throw new ConversionException($"{where}: scale, B, mean and var must have the same length (got {c}, {beta.Length}, {mean.Length}, {variance.Length})");
        var scale = new float[c];
        var shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            double v = variance[i] + epsilon;
            if (!(v > 0))
                throw new ConversionException($"{where}: var + epsilon = {v} at channel {i} is not positive");
            double s = gamma[i] / Math.Sqrt(v);
            scale[i] = (float)s;
            shift[i] = (float)(beta[i] - mean[i] * s);
        }
        return (scale, shift);
    }

    /// <summary>Whether a BatchNormalization reading <paramref name="producer"/> can be folded into it.</summary>
    public static bool CanFold(LayerBuilder producer) =>
        producer.Kind is OpKind.Dense or OpKind.Conv && producer.Readers == 1;

    /// <summary>Folds the BatchNormalization (gamma, beta, mean, var, eps) into <paramref name="producer"/>'s weight and bias.</summary>
    public static void Fold(LayerBuilder producer, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double epsilon, string where)
    {
        int channels = producer.WeightShape[0];
        if (gamma.Length != channels)
            throw new ConversionException($"{where}: has {gamma.Length} channels, the {producer} it follows has {channels}");
        var weight = producer.Weight;
        int perChannel = weight.Length / channels;
        var folded = new float[weight.Length];
        var bias = new float[channels];
        for (int o = 0; o < channels; o++)
        {
            double s = gamma[o] / Math.Sqrt(variance[o] + epsilon);
            if (!(variance[o] + epsilon > 0))
                throw new ConversionException($"{where}: var + epsilon = {variance[o] + epsilon} at channel {o} is not positive");
            for (int i = o * perChannel; i < (o + 1) * perChannel; i++)
                folded[i] = (float)(weight[i] * s);
            double b = producer.Bias.Length == 0 ? 0 : producer.Bias[o];
            bias[o] = (float)((b - mean[o]) * s + beta[o]);
        }
        producer.Weight = folded;
        producer.Bias = bias;
    }
}
