namespace PrunedLrp.Composites;

/// <summary>Parameters of the named composites (defaults as in Zennit).</summary>
public sealed record CompositeOptions
{
    /// <summary>Epsilon of the Epsilon rule (dense layers; every layer in "epsilon"). Default 1e-6.</summary>
    public float Epsilon { get; init; } = 1e-6f;

    /// <summary>Stabilizer of the other rules. Default 1e-6.</summary>
    public float Stabilizer { get; init; } = 1e-6f;

    /// <summary>Gamma of the Gamma rule. Default 0.25.</summary>
    public float Gamma { get; init; } = 0.25f;

    /// <summary>ZBox lower bound (one value or one per input channel). Default -3 (roughly standardized images).</summary>
    public float[] Low { get; init; } = [-3f];

    /// <summary>ZBox upper bound (one value or one per input channel). Default 3.</summary>
    public float[] High { get; init; } = [3f];
}
