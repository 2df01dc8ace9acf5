using PrunedLrp.Metrics;

namespace PrunedLrp.Cli;

/// <summary>Per-sample metric values of one explanation method, and their mean ± sd.</summary>
internal sealed class MethodMetrics(string method, double sparsity)
{
    public string Method { get; } = method;

    public double Sparsity { get; } = sparsity;

    public List<double> Gini { get; } = [];

    public List<double> Entropy { get; } = [];

    public List<double> MassAccuracy { get; } = [];

    public List<double> RankAccuracy { get; } = [];

    public List<double> Aopc { get; } = [];

    public static string Format(List<double> values)
    {
        if (values.Count == 0)
            return "n/a";
        var s = MeanStd.Of(values.ToArray());
        return FormattableString.Invariant($"{s.Mean:F3} ± {s.Std:F3}");
    }
}
