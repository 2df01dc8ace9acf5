using System.Globalization;

namespace PrunedLrp.Cli;

/// <summary>
/// The samples per call of <c>--batch-size</c>: a count, or <c>auto</c>, which takes as many samples as keep one call's
/// per-node buffers within <see cref="AutoBudgetBytes"/>, at most <see cref="AutoMax"/>.
/// </summary>
/// <remarks>
/// Batching pays little for large inputs: a 224x224 convolution already fills the GEMM tiles, and only the dense layers
/// read their weights once per batch instead of once per sample. What a batch of 16 costs instead is memory: VGG-16's
/// explain took 4.0 GB against 1.2 GB one sample at a time, and touching that memory for the first time made
/// <c>plrp explain</c> of 16 images take 17.9 s against 8.5 s (bench/results/cli-batch-size.md). Small models (the demo's)
/// still take 16 per call, where the per-call overheads dominate.
/// </remarks>
internal static class BatchSizing
{
    /// <summary>The most memory an automatic batch's per-node buffers may take.</summary>
    public const long AutoBudgetBytes = 256L << 20;

    /// <summary>The largest automatic batch.</summary>
    public const int AutoMax = 16;

    /// <summary>
    /// Reads the option's value: a count of at least 1, or null for <c>auto</c> (also when the option is absent). Called
    /// before the model loads, so that a bad value is reported at once.
    /// </summary>
    /// <exception cref="CliException">The text is neither <c>auto</c> nor a count of at least 1.</exception>
    public static int? Parse(string? text)
    {
        if (text is null || text.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
            throw new CliException($"--batch-size '{text}': expected auto or a count of at least 1");
        return count;
    }

    /// <summary>The batch for a parsed value: the count, or for <c>auto</c> the size for <paramref name="model"/> with
    /// <paramref name="buffersPerNode"/> float buffers per node and sample (1 for the forward pass, 2 for explaining: the
    /// activations and their relevance).</summary>
    public static int For(int? count, Model model, int buffersPerNode) => count ?? Auto(model, buffersPerNode);

    /// <summary><c>clamp(AutoBudgetBytes / (4 * buffersPerNode * sum of the node sizes), 1, AutoMax)</c>.</summary>
    public static int Auto(Model model, int buffersPerNode)
    {
        long floats = 0;
        for (int id = 0; id < model.NodeCount; id++)
            floats += model.NodeSize(id);
        long perSample = Math.Max(1, 4L * buffersPerNode * floats);
        return (int)Math.Clamp(AutoBudgetBytes / perSample, 1, AutoMax);
    }
}
