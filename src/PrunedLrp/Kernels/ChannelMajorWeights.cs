namespace PrunedLrp.Kernels;

/// <summary>A convolution's channel-major weight copy for <see cref="KeptConv"/>, made on first use (only PLRP-M needs
/// it) and shared by every rule variant of the layer, which map it on the fly (<see cref="WeightMap"/>).</summary>
internal sealed class ChannelMajorWeights(ConvShape shape, ReadOnlyMemory<float> weight)
{
    float[]? _values;

    /// <summary>Whether these are the weights <paramref name="other"/>.</summary>
    public bool Holds(ReadOnlyMemory<float> other) => weight.Equals(other);

    /// <summary>The copy (concurrent first callers may both build it; one is kept).</summary>
    public float[] Values => _values ?? Build();

    float[] Build()
    {
        var values = KeptConv.ChannelMajor(shape, weight.Span);
        return Interlocked.CompareExchange(ref _values, values, null) ?? values;
    }
}
