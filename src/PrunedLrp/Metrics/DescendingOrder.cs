namespace PrunedLrp.Metrics;

/// <summary>
/// Orders entries by value, largest first, ties by lower index first — deterministically and without allocating:
/// each entry becomes one 64-bit key (order-preserving bits of the value, inverted, above the index), and the keys
/// are sorted as plain integers, so the unstable in-place sort still gives a total order.
/// </summary>
internal static class DescendingOrder
{
    /// <summary>Fills <paramref name="keys"/> (length of <paramref name="values"/>) with the sorted keys; read the
    /// entry index of position k with <see cref="Index"/>. -0 and +0 compare equal; NaN sorts before +infinity.</summary>
    public static void Sort(ReadOnlySpan<float> values, Span<ulong> keys)
    {
        if (keys.Length != values.Length)
            throw new ArgumentException($"keys has {keys.Length} entries, want {values.Length}", nameof(keys));
        for (int i = 0; i < values.Length; i++)
            keys[i] = ((ulong)~Ordered(values[i]) << 32) | (uint)i;
        keys.Sort();
    }

    /// <summary>The entry index stored in a key.</summary>
    public static int Index(ulong key) => (int)(uint)key;

    /// <summary>Maps a float to a uint whose unsigned order is the float order (IEEE sign-magnitude to offset binary).</summary>
    static uint Ordered(float v)
    {
        if (v == 0f) v = 0f; // fold -0 into +0 so that they tie
        uint bits = (uint)BitConverter.SingleToInt32Bits(v);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }
}
