namespace PrunedLrp.Layers;

/// <summary>Hands out consecutive slices of one scratch buffer, so a step needs a single workspace allocation.</summary>
internal ref struct ScratchCarver(Span<float> scratch)
{
    Span<float> _rest = scratch;

    public Span<float> Take(int length)
    {
        var slice = _rest[..length];
        _rest = _rest[length..];
        return slice;
    }

    /// <summary>What is left (the linear operator's own scratch).</summary>
    public readonly Span<float> Rest => _rest;
}
