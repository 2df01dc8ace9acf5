using PrunedLrp.Tests.Rules;

namespace PrunedLrp.Tests.Explain;

/// <summary>A linear layer's textbook rule: input relevance from (matrix, input, output relevance, PLRP-M mask).</summary>
internal delegate double[] LinearReference(LinearMatrix layer, double[] x, double[] r, double[]? mask);
